/*
 * kemu-img measure: the file size a new image needs, for a virtual size
 * (--size) or for the data of an existing image, with qemu-img 7.2's
 * numbers (its qcow2_calc_prealloc_size/qcow2_refcount_metadata_size
 * arithmetic), text, JSON and messages.  Persistent bitmaps are not
 * kept, so their size is always 0.
 */
#include "qemu/osdep.h"
#include "qemu/error-report.h"
#include <getopt.h>
#include "kemu-img.h"

#define QCOW_MAX_L1_SIZE (32 * MiB)
#define DIV_ROUND_UP(n, d) (((n) + (d) - 1) / (d))

/* Refcount blocks and table for @clusters, counting their own refcounts. */
static uint64_t refcount_metadata_size(uint64_t clusters, uint64_t cs,
                                       int refcount_order)
{
    uint64_t per_table_cluster = cs / 8;
    uint64_t per_block = cs * 8 / (1u << refcount_order);
    uint64_t table = 0, blocks = 0, n = 0, last;
    do {
        last = n;
        blocks = DIV_ROUND_UP(clusters + table + blocks, per_block);
        table = DIV_ROUND_UP(blocks, per_table_cluster);
        n = clusters + blocks + table;
    } while (n != last);
    return (blocks + table) * cs;
}

/* Header, L1, L2 and refcount metadata of a full image, plus the data. */
static uint64_t qcow2_prealloc_size(uint64_t size, uint64_t cs,
                                    int refcount_order, uint64_t l2e)
{
    uint64_t aligned = QEMU_ALIGN_UP(size, cs);
    uint64_t meta = cs;
    uint64_t nl2e = QEMU_ALIGN_UP(aligned / cs, cs / l2e);
    meta += nl2e * l2e;
    uint64_t nl1e = QEMU_ALIGN_UP(nl2e * l2e / cs, cs / 8);
    meta += nl1e * 8;
    meta += refcount_metadata_size((meta + aligned) / cs, cs, refcount_order);
    return meta + aligned;
}

/* Block status through the whole backing chain (QEMU's "above NULL"). */
static int chain_status(BlockDriverState *bs, int64_t off, int64_t len,
                        uint64_t *pnum)
{
    for (;;) {
        uint64_t map;
        int st = bdrv_block_status(bs, off, len, pnum, &map);
        if (st < 0 || (st & BDRV_BLOCK_ALLOCATED)) {
            return st;
        }
        int64_t blen = bs->backing ? bdrv_getlength(bs->backing) : 0;
        if (off >= blen) {
            return st | BDRV_BLOCK_ZERO;
        }
        len = MIN((int64_t)*pnum, blen - off);
        bs = bs->backing;
    }
}

/* Bytes of whole clusters holding data of @in (qcow2_measure's loop). */
static int64_t data_clusters(BlockDriverState *in, uint64_t cs)
{
    int64_t size = bdrv_getlength(in), required = 0;
    uint64_t pnum = 0;
    for (int64_t off = 0; off < size; off += pnum) {
        int st = chain_status(in, off, size - off, &pnum);
        if (st < 0) {
            error_report("Unable to get block status: %s", strerror(-st));
            return st;
        }
        if (!(st & BDRV_BLOCK_ZERO) &&
            (st & (BDRV_BLOCK_DATA | BDRV_BLOCK_ALLOCATED)) ==
            (BDRV_BLOCK_DATA | BDRV_BLOCK_ALLOCATED)) {
            pnum = QEMU_ALIGN_UP(off + pnum, cs) - off;
            required += off % cs + pnum;
        }
    }
    return required;
}

typedef struct Measure {
    uint64_t required, fully_allocated, bitmaps;
    bool has_bitmaps;
} Measure;

static bool measure_qcow2(ImgCreateOpts *c, BlockDriverState *in, Measure *m)
{
    const char *v;
    bool extl2 = (v = img_opt(c, "extended_l2")) && !strcmp(v, "on");
    uint64_t cs = (v = img_opt(c, "cluster_size")) ? g_ascii_strtoull(v, NULL,
                                                                      10)
                                                   : 64 * KiB;
    int version = 3;
    if ((v = img_opt(c, "compat"))) {
        version = img_parse_compat(v);
        if (!version) {
            error_report("Invalid compatibility level: '%s'", v);
            return false;
        }
    }
    uint64_t refbits = (v = img_opt(c, "refcount_bits"))
                       ? g_ascii_strtoull(v, NULL, 10) : 16;
    if (!refbits || refbits > 64 || (refbits & (refbits - 1))) {
        error_report("Refcount width must be a power of two and may not "
                     "exceed 64 bits");
        return false;
    }
    if (version < 3 && refbits != 16) {
        error_report("Different refcount widths than 16 bits require "
                     "compatibility level 1.1 or above (use compat=1.1 or "
                     "greater)");
        return false;
    }
    const char *prealloc = img_opt(c, "preallocation");
    bool has_backing = img_opt(c, "backing_file") != NULL;
    if (cs < 512 || cs > 2 * MiB || (cs & (cs - 1))) {
        error_report("Cluster size must be a power of two between 512 and "
                     "2048k");
        return false;
    }
    if (extl2 && cs < 16 * KiB) {
        error_report("Extended L2 entries are only supported with cluster "
                     "sizes of at least 16384 bytes");
        return false;
    }
    uint64_t l2e = extl2 ? 16 : 8;
    uint64_t vsize = QEMU_ALIGN_UP((v = img_opt(c, "size")) ?
                                   g_ascii_strtoull(v, NULL, 10) : 0, cs);
    if (DIV_ROUND_UP(vsize / cs, cs / l2e) * l2e > QCOW_MAX_L1_SIZE) {
        error_report("The image size is too large (try using a larger cluster "
                     "size)");
        return false;
    }
    uint64_t required = 0;
    if (in) {
        vsize = QEMU_ALIGN_UP(bdrv_getlength(in), cs);
        if (has_backing) {
            /* Nothing is known about the new backing file: count it all. */
            required = vsize;
        } else {
            int64_t r = data_clusters(in, cs);
            if (r < 0) {
                return false;
            }
            required = r;
        }
    }
    if (prealloc && (!strcmp(prealloc, "full") ||
                     !strcmp(prealloc, "falloc"))) {
        required = vsize;
    }
    m->fully_allocated = qcow2_prealloc_size(vsize, cs,
                                             __builtin_ctzll(refbits), l2e);
    /* The metadata of the full image stays counted (QEMU overestimates). */
    m->required = m->fully_allocated - vsize + required;
    m->has_bitmaps = version >= 3 && in &&
                     in->drv->supports_persistent_dirty_bitmap &&
                     in->drv->supports_persistent_dirty_bitmap(in);
    return true;
}

static bool measure(const char *fmt, ImgCreateOpts *c, BlockDriverState *in,
                    Measure *m)
{
    const char *v = img_opt(c, "preallocation");
    BlockPreallocMode mode;
    if (v && !img_parse_prealloc(v, &mode)) {
        error_report("invalid parameter value: %s", v);
        return false;
    }
    if (!strcmp(fmt, "qcow2")) {
        return measure_qcow2(c, in, m);
    }
    /* raw: every byte, allocated or not, is in the file. */
    m->required = in ? (uint64_t)bdrv_getlength(in)
                     : QEMU_ALIGN_UP((v = img_opt(c, "size")) ?
                                     g_ascii_strtoull(v, NULL, 10) : 0,
                                     BDRV_SECTOR_SIZE);
    m->fully_allocated = m->required;
    return true;
}

int img_measure(int argc, char **argv)
{
    enum { OPT_OUTPUT = 256, OPT_SIZE, OPT_IMAGE_OPTS, OPT_OBJECT };
    static const struct option longopts[] = {
        { "help", no_argument, NULL, 'h' },
        { "image-opts", no_argument, NULL, OPT_IMAGE_OPTS },
        { "object", required_argument, NULL, OPT_OBJECT },
        { "output", required_argument, NULL, OPT_OUTPUT },
        { "size", required_argument, NULL, OPT_SIZE },
        { "force-share", no_argument, NULL, 'U' },
        { NULL, 0, NULL, 0 },
    };
    const char *fmt = NULL, *out_fmt = "raw", *snapshot = NULL;
    OutputFormat ofmt = OFMT_HUMAN;
    ImgCreateOpts c = { 0 };
    BlockDriverState *in = NULL;
    uint64_t size = UINT64_MAX;
    int opt, share = 0, ret = 1;
    Measure m = { 0 };

    while ((opt = getopt_long(argc, argv, ":hf:o:O:l:U", longopts,
                              NULL)) != -1) {
        switch (opt) {
        case 'f': fmt = optarg; break;
        case 'O': out_fmt = optarg; break;
        case 'o': img_opts_append(&c, optarg); break;
        case 'l': snapshot = optarg; break;
        case 'U': share = BDRV_O_FORCE_SHARE; break;
        case OPT_OUTPUT:
            if (!img_parse_output(optarg, &ofmt)) {
                goto out;
            }
            break;
        case OPT_SIZE:
            if (!img_parse_size(optarg, &size) || size > INT64_MAX) {
                img_size_error("image size");
                goto out;
            }
            break;
        case OPT_IMAGE_OPTS: case OPT_OBJECT:
            img_unsupported_option(argv);
            goto out;
        case 'h':
            printf("usage: kemu-img measure [--output=ofmt] [-O output_fmt] "
                   "[-o options] [--size N | [-f fmt] [-l snapshot_param] "
                   "[-U] filename]\n");
            ret = 0;
            goto out;
        default:
            ret = img_option_error(opt, argv);
            goto out;
        }
    }
    const char *filename = argc - optind == 1 ? argv[optind] : NULL;
    if (argc - optind > 1) {
        error_report("At most one filename argument is allowed.");
        goto out;
    }
    if (!filename && (fmt || snapshot)) {
        error_report("--image-opts, -f, and -l require a filename argument.");
        goto out;
    }
    if (filename && size != UINT64_MAX) {
        error_report("--size N cannot be used together with a filename.");
        goto out;
    }
    if (!filename && size == UINT64_MAX) {
        error_report("Either --size N or one filename must be specified.");
        goto out;
    }
    if (filename) {
        in = img_open(filename, fmt, share);
        if (!in || (snapshot && !img_load_snapshot(in, snapshot))) {
            goto out;
        }
    }
    if (!img_opts_parse(out_fmt, &c)) {
        if (bdrv_find_format(out_fmt) && strcmp(out_fmt, "file")) {
            error_report("Invalid options for file format '%s'", out_fmt);
        }
        goto out;
    }
    if (size != UINT64_MAX) {
        g_autofree char *s = g_strdup_printf("%" PRIu64, size);
        img_opt_set(&c, "size", s);
    }
    if (!measure(out_fmt, &c, in, &m)) {
        goto out;
    }
    if (ofmt == OFMT_HUMAN) {
        printf("required size: %" PRIu64 "\n"
               "fully allocated size: %" PRIu64 "\n", m.required,
               m.fully_allocated);
        if (m.has_bitmaps) {
            printf("bitmaps size: %" PRIu64 "\n", m.bitmaps);
        }
    } else {
        printf("{\n");
        if (m.has_bitmaps) {
            printf("    \"bitmaps\": %" PRIu64 ",\n", m.bitmaps);
        }
        printf("    \"required\": %" PRIu64 ",\n"
               "    \"fully-allocated\": %" PRIu64 "\n}\n", m.required,
               m.fully_allocated);
    }
    ret = 0;
out:
    bdrv_unref(in);
    img_opts_free(&c);
    return ret;
}
