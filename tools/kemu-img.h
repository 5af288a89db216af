/*
 * kemu-img: shared helpers of the subcommands (qemu-img's interface).
 */
#ifndef KEMU_IMG_H
#define KEMU_IMG_H

#include "qemu/osdep.h"
#include "block/block.h"

/* Parse "10G", "1.5M", "512": returns false on junk. */
bool img_parse_size(const char *str, uint64_t *out);
typedef enum { OFMT_HUMAN, OFMT_JSON } OutputFormat;
/* --output=human|json, or qemu-img's error. */
bool img_parse_output(const char *arg, OutputFormat *out);
/*
 * -l of convert and measure ("ID_OR_NAME" or "snapshot.id=ID,
 * snapshot.name=NAME"): @bs shows that snapshot; false after the error.
 */
bool img_load_snapshot(BlockDriverState *bs, const char *param);
/* Open for a subcommand; prints the error and returns NULL on failure. */
BlockDriverState *img_open(const char *filename, const char *fmt, int flags);
/* --image-opts: the image @optstr describes (img-image-opts.c). */
BlockDriverState *img_open_image_opts(const char *optstr, int flags);
/*
 * img_open, or with @image_opts img_open_image_opts; @fmt must then be
 * NULL (the caller checks qemu-img's "--image-opts and --format are
 * mutually exclusive" with img_check_image_opts).
 */
BlockDriverState *img_open_any(const char *name, const char *fmt, int flags,
                               bool image_opts);
/* qemu-img's error when both --image-opts and -f are given; false then. */
bool img_check_image_opts(bool image_opts, const char *fmt);

/* -o options of create, convert, measure and amend (img-create.c). */
typedef struct ImgCreateOpts {
    GString *optstr;        /* every -o, joined by commas */
    GHashTable *vals;       /* name -> value as the Formatting line shows */
    bool unsafe_backing;    /* -u: do not open the backing file */
    char *errpfx;           /* before each message ("x.qcow2: "), or NULL */
} ImgCreateOpts;
void img_opts_append(ImgCreateOpts *c, const char *str);
/* "help" or "?" among the options: print qemu-img's list instead. */
bool img_opts_is_help(const char *str);
void img_opts_help(const char *fmt, const char *filename);
/* qcow2 compat= (0.10, v2, 1.1, v3) as a version: 2 or 3, 0 if bad. */
int img_parse_compat(const char *str);
/* off, metadata, falloc or full. */
bool img_parse_prealloc(const char *str, BlockPreallocMode *mode);
/* amend -o help, and its check that only amendable options are given. */
void img_amend_help(void);
bool img_amend_opts_check(const char *str);
/* Parse c->optstr for @fmt (qemu-img's messages after c->errpfx). */
bool img_opts_parse(const char *fmt, ImgCreateOpts *c);
const char *img_opt(ImgCreateOpts *c, const char *name);
void img_opt_set(ImgCreateOpts *c, const char *name, const char *value);
/* The driver-level checks, after the Formatting line; fills @o. */
bool img_opts_to_block(const char *fmt, ImgCreateOpts *c, BlockCreateOpts *o);
void img_opts_free(ImgCreateOpts *c);
/* Create @filename from parsed options; 0 or 1 (exit status). */
int img_create_image(const char *fmt, const char *filename, ImgCreateOpts *c,
                     bool quiet);

/*
 * For getopt's '?' and ':' (the option string starts with ':'): qemu-img's
 * "unrecognized option"/"missing argument" messages; returns 1.
 */
int img_option_error(int opt, char **argv);
/* An option of qemu-img's that kemu-img does not have; returns 1. */
int img_unsupported_option(char **argv);
/* "Invalid @what specified. You may use k, M, G, T, P or E suffixes..." */
void img_size_error(const char *what);
/* qemu-img's progress line "    (12.00/100%)" when @on. */
void img_progress_print(bool on, double pct);

typedef struct ImgConvertOpts {
    bool compress;          /* -c: compressed clusters (qcow2) */
    bool out_has_backing;   /* -B: unwritten target ranges are not zero */
    bool target_zeroed;     /* fresh target, or --target-is-zero */
    uint32_t sparse;        /* -S: zero runs left out; 0: write all */
    bool whole_data;        /* -C: data ranges are not scanned for zeroes */
    bool progress;          /* -p */
    int64_t progress_base;  /* bytes of earlier sources */
    int64_t progress_total;
} ImgConvertOpts;
/*
 * Copy @size bytes of @in to @out at @out_off; prints QEMU's messages on
 * errors and returns 0 or -errno.
 */
int img_convert_copy(BlockDriverState *in, BlockDriverState *out,
                     int64_t out_off, int64_t size, const ImgConvertOpts *o);

int img_create(int argc, char **argv);
int img_convert(int argc, char **argv);
int img_measure(int argc, char **argv);
int img_amend(int argc, char **argv);
int img_dd(int argc, char **argv);
int img_bench(int argc, char **argv);
int img_info(int argc, char **argv);
int img_rebase(int argc, char **argv);
int img_commit(int argc, char **argv);
int img_check(int argc, char **argv);
int img_map(int argc, char **argv);
int img_snapshot(int argc, char **argv);
int img_bitmap(int argc, char **argv);
void img_dump_snapshots(BlockDriverState *bs, GString *out);

#endif
