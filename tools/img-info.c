/*
 * kemu-img info, check and map: qemu-img 7.2's human text and its JSON
 * (keys in the order qemu-img prints them).
 */
#include "qemu/osdep.h"
#include "qemu/error-report.h"
#include <getopt.h>
#include "qemu/option.h"
#include "kemu-img.h"

static char *json_str(const char *s)
{
    GString *g = g_string_new("\"");
    for (; *s; s++) {
        unsigned char c = *s;
        if (c == '"' || c == '\\') {
            g_string_append_printf(g, "\\%c", c);
        } else if (c < 0x20) {
            g_string_append_printf(g, "\\u%04x", c);
        } else {
            g_string_append_c(g, c);
        }
    }
    g_string_append_c(g, '"');
    return g_string_free(g, false);
}

static void info_snapshots_json(BlockDriverState *bs, GString *j,
                                const char *ind)
{
    BdrvSnapshotInfo *sn = NULL;
    int n = bs->drv->snapshot_list ? bs->drv->snapshot_list(bs, &sn) : 0;
    if (n > 0) {
        g_string_append_printf(j, "%s    \"snapshots\": [\n", ind);
        for (int i = 0; i < n; i++) {
            g_autofree char *name = json_str(sn[i].name);
            g_autofree char *id = json_str(sn[i].id_str);
            g_string_append_printf(j, "%s        {\n", ind);
            if (sn[i].icount != UINT64_MAX) {
                g_string_append_printf(j, "%s            \"icount\": %" PRIu64
                                       ",\n", ind, sn[i].icount);
            }
            g_string_append_printf(j,
                "%s            \"vm-clock-nsec\": %" PRIu64 ",\n"
                "%s            \"name\": %s,\n"
                "%s            \"date-sec\": %u,\n"
                "%s            \"date-nsec\": %u,\n"
                "%s            \"vm-clock-sec\": %" PRIu64 ",\n"
                "%s            \"id\": %s,\n"
                "%s            \"vm-state-size\": %" PRIu64 "\n"
                "%s        }%s\n",
                ind, sn[i].vm_clock_nsec % 1000000000, ind, name,
                ind, sn[i].date_sec, ind, sn[i].date_nsec,
                ind, sn[i].vm_clock_nsec / 1000000000, ind, id,
                ind, sn[i].vm_state_size, ind, i + 1 < n ? "," : "");
        }
        g_string_append_printf(j, "%s    ],\n", ind);
    }
    for (int i = 0; sn && i < n; i++) {
        g_free(sn[i].id_str);
        g_free(sn[i].name);
    }
    g_free(sn);
}

/* One image's info; @ind indents the JSON object (for --backing-chain). */
static void info_one(BlockDriverState *bs, const char *filename,
                     OutputFormat ofmt, GString *out, const char *ind)
{
    int64_t vsize = bdrv_getlength(bs);
    int64_t actual = bdrv_get_allocated_file_size(bs);
    uint32_t csize = bs->drv->cluster_size ? bs->drv->cluster_size(bs) : 0;
    bool dirty = bs->drv->is_dirty && bs->drv->is_dirty(bs);
    const char *fmt = bdrv_get_format_name(bs);
    g_autofree char *full = bs->backing_file[0]
        ? bdrv_path_combine(filename, bs->backing_file) : NULL;

    if (ofmt == OFMT_JSON) {
        g_autofree char *fn = json_str(filename);
        g_string_append_printf(out, "%s{\n", ind);
        if (bs->backing_file[0] && bs->backing_format[0]) {
            g_autofree char *bf = json_str(bs->backing_format);
            g_string_append_printf(out, "%s    \"backing-filename-format\": "
                                   "%s,\n", ind, bf);
        }
        info_snapshots_json(bs, out, ind);
        g_string_append_printf(out, "%s    \"virtual-size\": %" PRId64 ",\n"
                               "%s    \"filename\": %s,\n", ind, vsize, ind,
                               fn);
        if (csize) {
            g_string_append_printf(out, "%s    \"cluster-size\": %u,\n", ind,
                                   csize);
        }
        g_string_append_printf(out, "%s    \"format\": \"%s\",\n", ind, fmt);
        if (actual >= 0) {
            g_string_append_printf(out, "%s    \"actual-size\": %" PRId64
                                   ",\n", ind, actual);
        }
        if (bs->drv->info_specific) {
            GString *h = g_string_new(NULL);
            g_autofree char *ind2 = g_strdup_printf("%s        ", ind);
            g_string_append_printf(out, "%s    \"format-specific\": {\n"
                                   "%s        \"type\": \"%s\",\n"
                                   "%s        \"data\": {\n", ind, ind, fmt,
                                   ind);
            bs->drv->info_specific(bs, h, out, ind2);
            g_string_append_printf(out, "%s        }\n%s    },\n", ind, ind);
            g_string_free(h, true);
        }
        if (full) {
            g_autofree char *fb = json_str(full);
            g_autofree char *b = json_str(bs->backing_file);
            g_string_append_printf(out, "%s    \"full-backing-filename\": %s,\n"
                                   "%s    \"backing-filename\": %s,\n", ind,
                                   fb, ind, b);
        }
        g_string_append_printf(out, "%s    \"dirty-flag\": %s\n%s}", ind,
                               dirty ? "true" : "false", ind);
        return;
    }
    g_autofree char *vs = size_to_str(vsize);
    g_string_append_printf(out, "image: %s\nfile format: %s\n"
                           "virtual size: %s (%" PRId64 " bytes)\n",
                           filename, fmt, vs, vsize);
    if (actual >= 0) {
        g_autofree char *as = size_to_str(actual);
        g_string_append_printf(out, "disk size: %s\n", as);
    } else {
        g_string_append(out, "disk size: unavailable\n");
    }
    if (csize) {
        g_string_append_printf(out, "cluster_size: %u\n", csize);
    }
    if (dirty) {
        g_string_append(out, "cleanly shut down: no\n");
    }
    if (full) {
        g_string_append_printf(out, "backing file: %s", bs->backing_file);
        if (strcmp(full, bs->backing_file)) {
            g_string_append_printf(out, " (actual path: %s)", full);
        }
        g_string_append_c(out, '\n');
        if (bs->backing_format[0]) {
            g_string_append_printf(out, "backing file format: %s\n",
                                   bs->backing_format);
        }
    }
    img_dump_snapshots(bs, out);
    if (bs->drv->info_specific) {
        GString *j = g_string_new(NULL);
        g_string_append(out, "Format specific information:\n");
        bs->drv->info_specific(bs, out, j, "");
        g_string_free(j, true);
    }
}

int img_info(int argc, char **argv)
{
    static const struct option longopts[] = {
        { "help", no_argument, NULL, 'h' },
        { "format", required_argument, NULL, 'f' },
        { "output", required_argument, NULL, 'O' },
        { "backing-chain", no_argument, NULL, 'B' },
        { "force-share", no_argument, NULL, 'U' },
        { "image-opts", no_argument, NULL, 'I' },
        { NULL, 0, NULL, 0 },
    };
    const char *fmt = NULL;
    OutputFormat ofmt = OFMT_HUMAN;
    bool chain = false, image_opts = false;
    int share = 0;
    int opt;
    while ((opt = getopt_long(argc, argv, ":hf:U", longopts, NULL)) != -1) {
        switch (opt) {
        case 'f': fmt = optarg; break;
        case 'O':
            if (!img_parse_output(optarg, &ofmt)) {
                return 1;
            }
            break;
        case 'B': chain = true; break;
        case 'U': share = BDRV_O_FORCE_SHARE; break;
        case 'I': image_opts = true; break;
        default:
            return img_option_error(opt, argv);
        }
    }
    if (optind != argc - 1) {
        error_report("Expecting one image file name");
        return 1;
    }
    if (!img_check_image_opts(image_opts, fmt)) {
        return 1;
    }
    g_autofree char *filename = g_strdup(argv[optind]);
    GString *out = g_string_new(NULL);
    const char *ind = chain && ofmt == OFMT_JSON ? "    " : "";
    GHashTable *seen = g_hash_table_new_full(g_str_hash, g_str_equal, g_free,
                                             NULL);
    int ret = 0;
    if (chain && ofmt == OFMT_JSON) {
        g_string_append(out, "[\n");
    }
    for (int n = 0; filename; n++) {
        if (g_hash_table_contains(seen, filename)) {
            error_report("Backing file '%s' creates an infinite loop.",
                         filename);
            ret = 1;
            break;
        }
        g_hash_table_add(seen, g_strdup(filename));
        /* --image-opts names the first image only; then file names. */
        BlockDriverState *bs = img_open_any(filename, fmt, BDRV_O_NO_BACKING |
                                            BDRV_O_NO_IO | share,
                                            image_opts && !n);
        if (!bs) {
            ret = 1;
            break;
        }
        if (image_opts && !n) {
            g_free(filename);
            filename = g_strdup(bs->filename);
        }
        if (n) {
            g_string_append(out, ofmt == OFMT_JSON ? ",\n" : "\n");
        }
        info_one(bs, filename, ofmt, out, ind);
        g_free(filename);
        filename = NULL;
        if (chain && bs->backing_file[0]) {
            filename = bdrv_path_combine(bs->filename, bs->backing_file);
            fmt = bs->backing_format[0] ? g_strdup(bs->backing_format) : NULL;
        }
        bdrv_unref(bs);
    }
    if (ret == 0) {
        if (chain && ofmt == OFMT_JSON) {
            g_string_append(out, "\n]");
        }
        fputs(out->str, stdout);
        if (ofmt == OFMT_JSON) {
            fputc('\n', stdout);
        }
    }
    g_string_free(out, true);
    g_hash_table_destroy(seen);
    return ret;
}

static void check_print(const BdrvCheckResult *r, const char *filename,
                        const char *fmt, OutputFormat ofmt)
{
    if (ofmt == OFMT_JSON) {
        GString *j = g_string_new("{\n");
        g_autofree char *fn = json_str(filename);
        /* qemu-img's (hash) order. */
        if (r->image_end_offset) {
            g_string_append_printf(j, "    \"image-end-offset\": %" PRId64
                                   ",\n", r->image_end_offset);
        }
        if (r->compressed_clusters) {
            g_string_append_printf(j, "    \"compressed-clusters\": %" PRIu64
                                   ",\n", r->compressed_clusters);
        }
        if (r->total_clusters) {
            g_string_append_printf(j, "    \"total-clusters\": %" PRIu64
                                   ",\n", r->total_clusters);
        }
        g_string_append_printf(j, "    \"check-errors\": %d,\n",
                               r->check_errors);
        if (r->leaks) {
            g_string_append_printf(j, "    \"leaks\": %d,\n", r->leaks);
        }
        if (r->leaks_fixed) {
            g_string_append_printf(j, "    \"leaks-fixed\": %d,\n",
                                   r->leaks_fixed);
        }
        if (r->corruptions) {
            g_string_append_printf(j, "    \"corruptions\": %d,\n",
                                   r->corruptions);
        }
        if (r->corruptions_fixed) {
            g_string_append_printf(j, "    \"corruptions-fixed\": %d,\n",
                                   r->corruptions_fixed);
        }
        if (r->total_clusters) {
            g_string_append_printf(j, "    \"allocated-clusters\": %" PRIu64
                                   ",\n", r->allocated_clusters);
        }
        g_string_append_printf(j, "    \"filename\": %s,\n"
                               "    \"format\": \"%s\"", fn, fmt);
        if (r->fragmented_clusters) {
            g_string_append_printf(j, ",\n    \"fragmented-clusters\": %"
                                   PRIu64, r->fragmented_clusters);
        }
        g_string_append(j, "\n}\n");
        fputs(j->str, stdout);
        g_string_free(j, true);
        return;
    }
    if (!r->corruptions && !r->leaks && !r->check_errors) {
        printf("No errors were found on the image.\n");
    } else {
        if (r->corruptions) {
            printf("\n%d errors were found on the image.\n"
                   "Data may be corrupted, or further writes to the image "
                   "may corrupt it.\n", r->corruptions);
        }
        if (r->leaks) {
            printf("\n%d leaked clusters were found on the image.\n"
                   "This means waste of disk space, but no harm to data.\n",
                   r->leaks);
        }
        if (r->check_errors) {
            printf("\n%d internal errors have occurred during the check.\n",
                   r->check_errors);
        }
    }
    if (r->total_clusters && r->allocated_clusters) {
        printf("%" PRIu64 "/%" PRIu64 " = %0.2f%% allocated, %0.2f%% "
               "fragmented, %0.2f%% compressed clusters\n",
               r->allocated_clusters, r->total_clusters,
               r->allocated_clusters * 100.0 / r->total_clusters,
               r->fragmented_clusters * 100.0 / r->allocated_clusters,
               r->compressed_clusters * 100.0 / r->allocated_clusters);
    }
    if (r->image_end_offset) {
        printf("Image end offset: %" PRId64 "\n", r->image_end_offset);
    }
}

int img_check(int argc, char **argv)
{
    static const struct option longopts[] = {
        { "help", no_argument, NULL, 'h' },
        { "format", required_argument, NULL, 'f' },
        { "repair", required_argument, NULL, 'r' },
        { "output", required_argument, NULL, 'O' },
        { "force-share", no_argument, NULL, 'U' },
        { "image-opts", no_argument, NULL, 'I' },
        { NULL, 0, NULL, 0 },
    };
    const char *fmt = NULL;
    OutputFormat ofmt = OFMT_HUMAN;
    int fix = 0, share = 0, opt;
    bool quiet = false, image_opts = false;
    while ((opt = getopt_long(argc, argv, ":hf:r:qU", longopts, NULL)) != -1) {
        switch (opt) {
        case 'f': fmt = optarg; break;
        case 'r':
            if (!strcmp(optarg, "leaks")) {
                fix = BDRV_FIX_LEAKS;
            } else if (!strcmp(optarg, "all")) {
                fix = BDRV_FIX_LEAKS | BDRV_FIX_ERRORS;
            } else {
                error_report("Unknown option value for -r (expecting 'leaks' "
                             "or 'all'): %s", optarg);
                return 1;
            }
            break;
        case 'O':
            if (!img_parse_output(optarg, &ofmt)) {
                return 1;
            }
            break;
        case 'q': quiet = true; break;
        case 'U': share = BDRV_O_FORCE_SHARE; break;
        case 'I': image_opts = true; break;
        default:
            return img_option_error(opt, argv);
        }
    }
    if (optind != argc - 1) {
        error_report("Expecting one image file name");
        return 1;
    }
    if (!img_check_image_opts(image_opts, fmt)) {
        return 1;
    }
    const char *filename = argv[optind];
    BlockDriverState *bs = img_open_any(filename, fmt, BDRV_O_CHECK |
                                        BDRV_O_NO_BACKING | share |
                                        (fix ? BDRV_O_RDWR : 0), image_opts);
    if (!bs) {
        return 1;
    }
    if (!bs->drv->check) {
        error_report("This image format does not support checks");
        bdrv_unref(bs);
        return 63;
    }
    BdrvCheckResult r = { 0 };
    int ret = bs->drv->check(bs, &r, fix);
    if (ret == 0 && (r.leaks_fixed || r.corruptions_fixed)) {
        if (ofmt == OFMT_HUMAN && !quiet) {
            printf("The following inconsistencies were found and repaired:\n\n"
                   "    %d leaked clusters\n    %d corruptions\n\n"
                   "Double checking the fixed image now...\n",
                   r.leaks_fixed, r.corruptions_fixed);
        }
        BdrvCheckResult again = { 0 };
        ret = bs->drv->check(bs, &again, 0);
        again.leaks_fixed = r.leaks_fixed;
        again.corruptions_fixed = r.corruptions_fixed;
        r = again;
    }
    if (ret < 0 && !r.check_errors) {
        error_report("Check failed: %s", strerror(-ret));
        bdrv_unref(bs);
        return 1;
    }
    if (!quiet) {
        check_print(&r, filename, bdrv_get_format_name(bs), ofmt);
    }
    bdrv_unref(bs);
    if (ret < 0 || r.check_errors) {
        return 1;
    }
    return r.corruptions ? 2 : r.leaks ? 3 : 0;
}

typedef struct MapEntry {
    uint64_t start, length;
    int depth;
    bool present, zero, data, has_offset;
    uint64_t offset;
    const char *filename;
} MapEntry;

static int map_status(BlockDriverState *bs, uint64_t off, uint64_t bytes,
                      MapEntry *e)
{
    int depth = 0;
    memset(e, 0, sizeof(*e));
    e->start = off;
    for (;;) {
        uint64_t pnum, map;
        int st = bdrv_block_status(bs, off, bytes, &pnum, &map);
        if (st < 0) {
            return st;
        }
        bytes = pnum;
        if ((st & BDRV_BLOCK_ALLOCATED) || !bs->backing) {
            e->present = !!(st & BDRV_BLOCK_ALLOCATED);
            e->zero = !!(st & BDRV_BLOCK_ZERO) || !e->present;
            e->data = !!(st & BDRV_BLOCK_DATA);
            e->has_offset = !!(st & BDRV_BLOCK_OFFSET_VALID);
            e->offset = map;
            e->filename = bs->file ? bs->file->filename : bs->filename;
            break;
        }
        int64_t blen = bdrv_getlength(bs->backing);
        depth++;
        if (off >= (uint64_t)blen) {
            break;     /* past the backing file's end: reads as zero */
        }
        bytes = MIN(bytes, (uint64_t)blen - off);
        bs = bs->backing;
    }
    if (!e->present && !e->data) {
        e->zero = true;
    }
    e->depth = depth;
    e->length = bytes;
    return 0;
}

static bool map_mergeable(const MapEntry *a, const MapEntry *b)
{
    return a->start + a->length == b->start && a->depth == b->depth &&
           a->present == b->present && a->zero == b->zero &&
           a->data == b->data && a->has_offset == b->has_offset &&
           (!a->has_offset || a->offset + a->length == b->offset) &&
           (a->filename == b->filename ||
            (a->filename && b->filename && !strcmp(a->filename, b->filename)));
}

static bool map_print(const MapEntry *e, OutputFormat ofmt, bool first)
{
    if (ofmt == OFMT_JSON) {
        printf("%s{ \"start\": %" PRIu64 ", \"length\": %" PRIu64 ", "
               "\"depth\": %d, \"present\": %s, \"zero\": %s, "
               "\"data\": %s", first ? "" : ",\n", e->start, e->length,
               e->depth, e->present ? "true" : "false",
               e->zero ? "true" : "false", e->data ? "true" : "false");
        if (e->has_offset) {
            printf(", \"offset\": %" PRIu64, e->offset);
        }
        printf("}");
        return true;
    }
    if (e->data && !e->has_offset) {
        error_report("File contains external, encrypted or compressed "
                     "clusters.");
        return false;
    }
    if (e->data) {
        printf("%#-16" PRIx64 "%#-16" PRIx64 "%#-16" PRIx64 "%s\n", e->start,
               e->length, e->offset, e->filename);
    }
    return true;
}

int img_map(int argc, char **argv)
{
    static const struct option longopts[] = {
        { "help", no_argument, NULL, 'h' },
        { "format", required_argument, NULL, 'f' },
        { "output", required_argument, NULL, 'O' },
        { "force-share", no_argument, NULL, 'U' },
        { "image-opts", no_argument, NULL, 'I' },
        { NULL, 0, NULL, 0 },
    };
    const char *fmt = NULL;
    OutputFormat ofmt = OFMT_HUMAN;
    int share = 0;
    bool image_opts = false;
    int opt;
    while ((opt = getopt_long(argc, argv, ":hf:U", longopts, NULL)) != -1) {
        switch (opt) {
        case 'f': fmt = optarg; break;
        case 'O':
            if (!img_parse_output(optarg, &ofmt)) {
                return 1;
            }
            break;
        case 'U': share = BDRV_O_FORCE_SHARE; break;
        case 'I': image_opts = true; break;
        default:
            return img_option_error(opt, argv);
        }
    }
    if (optind != argc - 1) {
        error_report("Expecting one image file name");
        return 1;
    }
    if (!img_check_image_opts(image_opts, fmt)) {
        return 1;
    }
    BlockDriverState *bs = img_open_any(argv[optind], fmt, share, image_opts);
    if (!bs) {
        return 1;
    }
    int64_t len = bdrv_getlength(bs);
    MapEntry cur = { 0 }, next;
    bool have = false, first = true;
    if (ofmt == OFMT_JSON) {
        printf("[");
    } else {
        printf("%-16s%-16s%-16s%s\n", "Offset", "Length", "Mapped to", "File");
    }
    for (uint64_t off = 0; off < (uint64_t)len; off += next.length) {
        /* Bounded steps keep the backing-chain walk cheap. */
        uint64_t step = MIN((uint64_t)len - off, 1 * GiB);
        if (map_status(bs, off, step, &next) < 0 || !next.length) {
            error_report("Could not read file metadata: %s",
                         strerror(EIO));
            bdrv_unref(bs);
            return 1;
        }
        if (have && map_mergeable(&cur, &next)) {
            cur.length += next.length;
            continue;
        }
        if (have) {
            if (!map_print(&cur, ofmt, first)) {
                bdrv_unref(bs);
                return 1;
            }
            first = false;
        }
        cur = next;
        have = true;
    }
    if (have && !map_print(&cur, ofmt, first)) {
        bdrv_unref(bs);
        return 1;
    }
    if (ofmt == OFMT_JSON) {
        printf("]\n");
    }
    bdrv_unref(bs);
    return 0;
}
