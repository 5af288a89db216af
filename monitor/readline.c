/*
 * HMP line editing (see readline.h).  Keys, as in QEMU's monitor: Enter
 * (CR or LF), Backspace/DEL, Ctrl-a/Ctrl-e (start/end), Ctrl-d (delete),
 * Ctrl-w (delete word), Tab (completion), arrows (ESC[A..D; ESC[F is
 * "up" too, ESC[E "down"), ESC[1~/ESC[4~ and ESC O H/F (home/end),
 * ESC[3~ (delete).  Every key is followed by a redraw that only sends
 * what changed.
 */
#include "qemu/osdep.h"
#include "readline.h"

typedef enum {
    RL_NORM,
    RL_ESC,     /* after ESC */
    RL_CSI,     /* after ESC [ (parameters may follow) */
    RL_SS3,     /* after ESC O */
} ReadLineEscState;

struct ReadLineState {
    char cmd_buf[READLINE_CMD_BUF_SIZE + 1];
    int cmd_buf_index;              /* cursor */
    int cmd_buf_size;
    /* What the terminal shows now, to send only the difference. */
    char last_cmd_buf[READLINE_CMD_BUF_SIZE + 1];
    int last_cmd_buf_index;
    int last_cmd_buf_size;

    ReadLineEscState esc_state;
    int esc_param;

    char *history[READLINE_MAX_CMDS];   /* oldest first, NULL-terminated */
    int hist_entry;                     /* entry being browsed, -1 none */

    int completion_index;
    int nb_completions;
    char *completions[READLINE_MAX_COMPLETIONS];

    char *prompt;
    ReadLinePrintFunc *print;
    ReadLineCompletionFunc *complete;
    ReadLineFunc *handler;
    void *opaque;
};

static void G_GNUC_PRINTF(2, 3) rl_printf(ReadLineState *rs,
                                          const char *fmt, ...)
{
    va_list ap;
    char *s;

    va_start(ap, fmt);
    s = g_strdup_vprintf(fmt, ap);
    va_end(ap);
    rs->print(rs->opaque, s);
    g_free(s);
}

static void rl_repeat(ReadLineState *rs, const char *seq, int n)
{
    GString *s = g_string_new(NULL);

    for (int i = 0; i < n; i++) {
        g_string_append(s, seq);
    }
    if (s->len) {
        rs->print(rs->opaque, s->str);
    }
    g_string_free(s, TRUE);
}

void readline_show_prompt(ReadLineState *rs)
{
    rl_printf(rs, "%s", rs->prompt ? rs->prompt : "");
    /* The terminal line is empty again: the next update redraws it all. */
    rs->last_cmd_buf_index = 0;
    rs->last_cmd_buf_size = 0;
    rs->esc_state = RL_NORM;
}

/* Echo the difference between what the terminal shows and the buffer. */
static void readline_update(ReadLineState *rs)
{
    if (rs->cmd_buf_size != rs->last_cmd_buf_size ||
        memcmp(rs->cmd_buf, rs->last_cmd_buf, rs->cmd_buf_size) != 0) {
        /* Back to the start of the input, rewrite it, clear the rest. */
        GString *s = g_string_new(NULL);

        for (int i = 0; i < rs->last_cmd_buf_index; i++) {
            g_string_append(s, "\033[D");
        }
        rs->cmd_buf[rs->cmd_buf_size] = '\0';
        g_string_append(s, rs->cmd_buf);
        g_string_append(s, "\033[K");
        rs->print(rs->opaque, s->str);
        g_string_free(s, TRUE);
        memcpy(rs->last_cmd_buf, rs->cmd_buf, rs->cmd_buf_size);
        rs->last_cmd_buf_size = rs->cmd_buf_size;
        rs->last_cmd_buf_index = rs->cmd_buf_size;
    }
    if (rs->cmd_buf_index != rs->last_cmd_buf_index) {
        int delta = rs->cmd_buf_index - rs->last_cmd_buf_index;

        if (delta > 0) {
            rl_repeat(rs, "\033[C", delta);
        } else {
            rl_repeat(rs, "\033[D", -delta);
        }
        rs->last_cmd_buf_index = rs->cmd_buf_index;
    }
}

static void readline_insert_char(ReadLineState *rs, int ch)
{
    if (rs->cmd_buf_size >= READLINE_CMD_BUF_SIZE - 1) {
        return;
    }
    memmove(rs->cmd_buf + rs->cmd_buf_index + 1,
            rs->cmd_buf + rs->cmd_buf_index,
            rs->cmd_buf_size - rs->cmd_buf_index);
    rs->cmd_buf[rs->cmd_buf_index] = ch;
    rs->cmd_buf_size++;
    rs->cmd_buf_index++;
}

static void readline_backward_char(ReadLineState *rs)
{
    if (rs->cmd_buf_index > 0) {
        rs->cmd_buf_index--;
    }
}

static void readline_forward_char(ReadLineState *rs)
{
    if (rs->cmd_buf_index < rs->cmd_buf_size) {
        rs->cmd_buf_index++;
    }
}

static void readline_delete_char(ReadLineState *rs)
{
    if (rs->cmd_buf_index < rs->cmd_buf_size) {
        memmove(rs->cmd_buf + rs->cmd_buf_index,
                rs->cmd_buf + rs->cmd_buf_index + 1,
                rs->cmd_buf_size - rs->cmd_buf_index - 1);
        rs->cmd_buf_size--;
    }
}

static void readline_backspace(ReadLineState *rs)
{
    if (rs->cmd_buf_index > 0) {
        readline_backward_char(rs);
        readline_delete_char(rs);
    }
}

/* Ctrl-w: the spaces left of the cursor, then the word before them. */
static void readline_backword(ReadLineState *rs)
{
    int start;

    if (rs->cmd_buf_index == 0) {
        return;
    }
    start = rs->cmd_buf_index - 1;
    while (start >= 0 && g_ascii_isspace(rs->cmd_buf[start])) {
        start--;
    }
    while (start >= 0 && !g_ascii_isspace(rs->cmd_buf[start])) {
        start--;
    }
    start++;
    memmove(rs->cmd_buf + start, rs->cmd_buf + rs->cmd_buf_index,
            rs->cmd_buf_size - rs->cmd_buf_index);
    rs->cmd_buf_size -= rs->cmd_buf_index - start;
    rs->cmd_buf_index = start;
}

static void readline_set_buf(ReadLineState *rs, const char *text)
{
    g_strlcpy(rs->cmd_buf, text, sizeof(rs->cmd_buf));
    rs->cmd_buf_index = rs->cmd_buf_size = strlen(rs->cmd_buf);
}

static int history_len(ReadLineState *rs)
{
    int n = 0;

    while (n < READLINE_MAX_CMDS && rs->history[n]) {
        n++;
    }
    return n;
}

static void readline_up_char(ReadLineState *rs)
{
    if (rs->hist_entry == 0) {
        return;
    }
    if (rs->hist_entry == -1) {
        rs->hist_entry = history_len(rs);
    }
    rs->hist_entry--;
    if (rs->hist_entry >= 0) {
        readline_set_buf(rs, rs->history[rs->hist_entry]);
    }
}

static void readline_down_char(ReadLineState *rs)
{
    if (rs->hist_entry == -1) {
        return;
    }
    if (rs->hist_entry < READLINE_MAX_CMDS - 1 &&
        rs->history[rs->hist_entry + 1]) {
        rs->hist_entry++;
        readline_set_buf(rs, rs->history[rs->hist_entry]);
    } else {
        rs->hist_entry = -1;
        readline_set_buf(rs, "");
    }
}

/* A repeated line moves to the end instead of being stored twice. */
static void readline_hist_add(ReadLineState *rs, const char *line)
{
    int n = history_len(rs);
    char *entry = NULL;

    if (line[0] == '\0') {
        return;
    }
    for (int i = 0; i < n; i++) {
        if (!strcmp(rs->history[i], line)) {
            entry = rs->history[i];
            memmove(&rs->history[i], &rs->history[i + 1],
                    (n - i - 1) * sizeof(char *));
            rs->history[--n] = NULL;
            break;
        }
    }
    if (n == READLINE_MAX_CMDS) {
        g_free(rs->history[0]);
        memmove(&rs->history[0], &rs->history[1],
                (n - 1) * sizeof(char *));
        n--;
    }
    rs->history[n] = entry ? entry : g_strdup(line);
    rs->hist_entry = -1;
}

const char *readline_get_history(ReadLineState *rs, unsigned index)
{
    return index < READLINE_MAX_CMDS ? rs->history[index] : NULL;
}

void readline_set_completion_index(ReadLineState *rs, int index)
{
    rs->completion_index = index;
}

void readline_add_completion(ReadLineState *rs, const char *str)
{
    if (rs->nb_completions >= READLINE_MAX_COMPLETIONS) {
        return;
    }
    for (int i = 0; i < rs->nb_completions; i++) {
        if (!strcmp(rs->completions[i], str)) {
            return;
        }
    }
    rs->completions[rs->nb_completions++] = g_strdup(str);
}

static int completion_cmp(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/*
 * Tab: one candidate is inserted with a trailing space; several are
 * listed in columns (80 wide) after their common prefix is inserted.
 */
static void readline_completion(ReadLineState *rs)
{
    char *line;
    int max_width = 0, max_prefix = 0, nb_cols, col;

    rs->nb_completions = 0;
    line = g_strndup(rs->cmd_buf, rs->cmd_buf_index);
    rs->complete(rs->opaque, line);
    g_free(line);
    if (rs->nb_completions == 0) {
        return;
    }
    if (rs->nb_completions == 1) {
        const char *c = rs->completions[0];
        int len = strlen(c);

        for (int i = rs->completion_index; i < len; i++) {
            readline_insert_char(rs, c[i]);
        }
        if (len > 0 && c[len - 1] != '/') {
            readline_insert_char(rs, ' ');
        }
    } else {
        qsort(rs->completions, rs->nb_completions, sizeof(char *),
              completion_cmp);
        rl_printf(rs, "\n");
        for (int i = 0; i < rs->nb_completions; i++) {
            int len = strlen(rs->completions[i]);

            if (i == 0) {
                max_prefix = len;
            } else {
                if (len < max_prefix) {
                    max_prefix = len;
                }
                for (int j = 0; j < max_prefix; j++) {
                    if (rs->completions[i][j] != rs->completions[0][j]) {
                        max_prefix = j;
                        break;
                    }
                }
            }
            if (len > max_width) {
                max_width = len;
            }
        }
        for (int i = rs->completion_index; i < max_prefix; i++) {
            readline_insert_char(rs, rs->completions[0][i]);
        }
        max_width = CLAMP(max_width + 2, 10, 80);
        nb_cols = 80 / max_width;
        col = 0;
        for (int i = 0; i < rs->nb_completions; i++) {
            rl_printf(rs, "%-*s", max_width, rs->completions[i]);
            if (++col == nb_cols || i == rs->nb_completions - 1) {
                rl_printf(rs, "\n");
                col = 0;
            }
        }
        readline_show_prompt(rs);
    }
    for (int i = 0; i < rs->nb_completions; i++) {
        g_free(rs->completions[i]);
        rs->completions[i] = NULL;
    }
    rs->nb_completions = 0;
}

static void readline_enter(ReadLineState *rs)
{
    char *line;

    rs->cmd_buf[rs->cmd_buf_size] = '\0';
    line = g_strdup(rs->cmd_buf);
    readline_hist_add(rs, line);
    rl_printf(rs, "\n");
    rs->cmd_buf_index = rs->cmd_buf_size = 0;
    rs->last_cmd_buf_index = rs->last_cmd_buf_size = 0;
    rs->handler(rs->opaque, line);
    g_free(line);
}

void readline_handle_byte(ReadLineState *rs, int ch)
{
    switch (rs->esc_state) {
    case RL_NORM:
        switch (ch) {
        case 1:                         /* Ctrl-a */
            rs->cmd_buf_index = 0;
            break;
        case 4:                         /* Ctrl-d */
            readline_delete_char(rs);
            break;
        case 5:                         /* Ctrl-e */
            rs->cmd_buf_index = rs->cmd_buf_size;
            break;
        case 9:
            readline_completion(rs);
            break;
        case 10:
        case 13:
            readline_enter(rs);
            /* The handler printed the prompt; nothing to redraw. */
            return;
        case 23:                        /* Ctrl-w */
            readline_backword(rs);
            break;
        case 27:
            rs->esc_state = RL_ESC;
            break;
        case 8:
        case 127:
            readline_backspace(rs);
            break;
        case 155:                       /* 8-bit CSI */
            rs->esc_state = RL_CSI;
            rs->esc_param = 0;
            break;
        default:
            if (ch >= 32) {
                readline_insert_char(rs, ch);
            }
            break;
        }
        break;
    case RL_ESC:
        if (ch == '[') {
            rs->esc_state = RL_CSI;
            rs->esc_param = 0;
        } else if (ch == 'O') {
            rs->esc_state = RL_SS3;
            rs->esc_param = 0;
        } else {
            rs->esc_state = RL_NORM;
        }
        break;
    case RL_CSI:
        if (ch >= '0' && ch <= '9') {
            rs->esc_param = rs->esc_param * 10 + (ch - '0');
            return;
        }
        switch (ch) {
        case 'A':
        case 'F':
            readline_up_char(rs);
            break;
        case 'B':
        case 'E':
            readline_down_char(rs);
            break;
        case 'C':
            readline_forward_char(rs);
            break;
        case 'D':
            readline_backward_char(rs);
            break;
        case '~':
            if (rs->esc_param == 1) {
                rs->cmd_buf_index = 0;
            } else if (rs->esc_param == 3) {
                readline_delete_char(rs);
            } else if (rs->esc_param == 4) {
                rs->cmd_buf_index = rs->cmd_buf_size;
            }
            break;
        default:
            break;
        }
        rs->esc_state = RL_NORM;
        break;
    case RL_SS3:
        if (ch == 'F') {
            rs->cmd_buf_index = rs->cmd_buf_size;
        } else if (ch == 'H') {
            rs->cmd_buf_index = 0;
        }
        rs->esc_state = RL_NORM;
        break;
    }
    readline_update(rs);
}

void readline_restart(ReadLineState *rs)
{
    rs->cmd_buf_index = 0;
    rs->cmd_buf_size = 0;
}

void readline_set_prompt(ReadLineState *rs, const char *prompt)
{
    g_free(rs->prompt);
    rs->prompt = g_strdup(prompt);
}

ReadLineState *readline_new(ReadLinePrintFunc *print,
                            ReadLineCompletionFunc *complete,
                            ReadLineFunc *handler, void *opaque)
{
    ReadLineState *rs = g_new0(ReadLineState, 1);

    rs->hist_entry = -1;
    rs->print = print;
    rs->complete = complete;
    rs->handler = handler;
    rs->opaque = opaque;
    return rs;
}

void readline_free(ReadLineState *rs)
{
    if (!rs) {
        return;
    }
    for (int i = 0; i < READLINE_MAX_CMDS; i++) {
        g_free(rs->history[i]);
    }
    g_free(rs->prompt);
    g_free(rs);
}
