/*
 * kemu-img: shared helpers of the subcommands (qemu-img's interface).
 */
#ifndef KEMU_IMG_H
#define KEMU_IMG_H

#include "qemu/osdep.h"
#include "block/block.h"

/* QEMU's size_to_str(): three significant digits and a binary unit. */
char *img_size_to_str(uint64_t val);
/* Parse "10G", "1.5M", "512": returns false on junk. */
bool img_parse_size(const char *str, uint64_t *out);
/* Open for a subcommand; prints the error and returns NULL on failure. */
BlockDriverState *img_open(const char *filename, const char *fmt, int flags);

typedef struct ImgConvertOpts {
    bool compress;          /* -c: compressed clusters (qcow2) */
    bool out_has_backing;   /* -B: unwritten target ranges are not zero */
    bool progress;          /* -p */
} ImgConvertOpts;
/*
 * Copy @size bytes of @in into the freshly created @out; prints QEMU's
 * messages on errors and returns 0 or -errno.
 */
int img_convert_copy(BlockDriverState *in, BlockDriverState *out,
                     int64_t size, const ImgConvertOpts *o);

int img_info(int argc, char **argv);
int img_rebase(int argc, char **argv);
int img_check(int argc, char **argv);
int img_map(int argc, char **argv);
int img_snapshot(int argc, char **argv);
void img_dump_snapshots(BlockDriverState *bs, GString *out);

#endif
