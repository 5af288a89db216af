/*
 * HMP line editing: the bytes a terminal sends (printable characters,
 * control keys, ANSI escape sequences) edit a command buffer, and the
 * redraw is echoed with the same escape sequences QEMU's monitor sends
 * (ESC[K to clear the tail, ESC[D / ESC[C to move), so expect-style
 * scripts written against QEMU see identical bytes.
 */
#ifndef MONITOR_READLINE_H
#define MONITOR_READLINE_H

#include "qemu/osdep.h"

#define READLINE_CMD_BUF_SIZE 4096
#define READLINE_MAX_CMDS 64
#define READLINE_MAX_COMPLETIONS 256

typedef struct ReadLineState ReadLineState;

/* Output of the line editor (echo, prompt, completion lists). */
typedef void ReadLinePrintFunc(void *opaque, const char *text);
/* A complete line was entered. */
typedef void ReadLineFunc(void *opaque, const char *line);
/* Offer completions for @line (the text left of the cursor). */
typedef void ReadLineCompletionFunc(void *opaque, const char *line);

ReadLineState *readline_new(ReadLinePrintFunc *print,
                            ReadLineCompletionFunc *complete,
                            ReadLineFunc *handler, void *opaque);
void readline_free(ReadLineState *rs);

/* Feed one input byte; may call the line handler. */
void readline_handle_byte(ReadLineState *rs, int ch);
/* Set the prompt readline_show_prompt() prints ("(qemu) "). */
void readline_set_prompt(ReadLineState *rs, const char *prompt);
void readline_show_prompt(ReadLineState *rs);
/* Forget the line being typed (new connection, mux focus back). */
void readline_restart(ReadLineState *rs);

/* For the completion callback: the length of the word being completed. */
void readline_set_completion_index(ReadLineState *rs, int index);
void readline_add_completion(ReadLineState *rs, const char *str);

/* History entry @index (oldest first), NULL past the end. */
const char *readline_get_history(ReadLineState *rs, unsigned index);

#endif
