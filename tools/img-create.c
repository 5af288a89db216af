/*
 * kemu-img create, and the -o option lists shared with convert, measure
 * and amend: qemu-img 7.2's option names, their order in the
 * "Formatting" line, its -o help text and its messages.  Encryption and
 * external data files are not supported.
 */
#include "qemu/osdep.h"
#include "qemu/error-report.h"
#include <getopt.h>
#include "kemu-img.h"

typedef enum { OPT_SIZE, OPT_NUM, OPT_BOOL, OPT_STR } ImgOptType;

typedef struct ImgOptDesc {
    const char *name;
    ImgOptType type;
    const char *def;     /* printed in the Formatting line when not given */
    const char *help;
} ImgOptDesc;

#define OPT_PREALLOC_QCOW2 \
    "Preallocation mode (allowed values: off, metadata, falloc, full)"

/* In QEMU's order: the Formatting line prints them so. */
static const ImgOptDesc qcow2_opts[] = {
    { "cluster_size", OPT_SIZE, "65536", "qcow2 cluster size" },
    { "extended_l2", OPT_BOOL, "off", "Extended L2 tables" },
    { "preallocation", OPT_STR, NULL, OPT_PREALLOC_QCOW2 },
    { "compression_type", OPT_STR, "zlib",
      "Compression method used for image cluster compression" },
    { "size", OPT_SIZE, NULL, "Virtual disk size" },
    { "compat", OPT_STR, NULL, "Compatibility level (v2 [0.10] or v3 [1.1])" },
    { "backing_file", OPT_STR, NULL, "File name of a base image" },
    { "backing_fmt", OPT_STR, NULL, "Image format of the base image" },
    { "data_file", OPT_STR, NULL, "File name of an external data file" },
    { "data_file_raw", OPT_BOOL, NULL,
      "The external data file must stay valid as a raw image" },
    { "lazy_refcounts", OPT_BOOL, "off", "Postpone refcount updates" },
    { "refcount_bits", OPT_NUM, "16",
      "Width of a reference count entry in bits" },
    { NULL },
};

static const ImgOptDesc raw_opts[] = {
    { "size", OPT_SIZE, NULL, "Virtual disk size" },
    { NULL },
};

/* The file protocol's, appended once a file name is known. */
static const ImgOptDesc file_opts[] = {
    { "nocow", OPT_BOOL, NULL,
      "Turn off copy-on-write (valid only on btrfs)" },
    { "preallocation", OPT_STR, NULL,
      "Preallocation mode (allowed values: off, falloc, full)" },
    { "extent_size_hint", OPT_SIZE, NULL,
      "Extent size hint for the image file, 0 to disable" },
    { NULL },
};

static const ImgOptDesc *format_opts(const char *fmt)
{
    return !strcmp(fmt, "qcow2") ? qcow2_opts : raw_opts;
}

/* Format options, then the protocol's not already there; NULL-ended. */
static GPtrArray *opt_list(const char *fmt, bool with_file)
{
    GPtrArray *l = g_ptr_array_new();
    for (const ImgOptDesc *d = format_opts(fmt); d->name; d++) {
        g_ptr_array_add(l, (gpointer)d);
    }
    for (const ImgOptDesc *d = file_opts; with_file && d->name; d++) {
        bool dup = false;
        for (guint i = 0; i < l->len; i++) {
            dup |= !strcmp(((ImgOptDesc *)l->pdata[i])->name, d->name);
        }
        if (!dup) {
            g_ptr_array_add(l, (gpointer)d);
        }
    }
    return l;
}

static gint opt_cmp(gconstpointer a, gconstpointer b)
{
    return strcmp((*(ImgOptDesc **)a)->name, (*(ImgOptDesc **)b)->name);
}

static void print_opt(const ImgOptDesc *d)
{
    static const char *const types[] = {
        [OPT_SIZE] = "size", [OPT_NUM] = "num",
        [OPT_BOOL] = "bool (on/off)", [OPT_STR] = "str",
    };
    g_autofree char *n = g_strdup_printf("%s=<%s>", d->name, types[d->type]);
    printf("  %-22s - %s\n", n, d->help);
}

void img_opts_help(const char *fmt, const char *filename)
{
    g_autoptr(GPtrArray) l = opt_list(fmt, filename != NULL);
    g_ptr_array_sort(l, opt_cmp);
    if (filename) {
        printf("Supported options:\n");
    } else {
        printf("Supported %s options:\n", fmt);
    }
    for (guint i = 0; i < l->len; i++) {
        print_opt(l->pdata[i]);
    }
    if (!filename) {
        printf("\nThe protocol level may support further options.\n"
               "Specify the target filename to include those options.\n");
    }
}

static const ImgOptDesc *find_opt(GPtrArray *l, const char *name)
{
    for (guint i = 0; i < l->len; i++) {
        if (!strcmp(((ImgOptDesc *)l->pdata[i])->name, name)) {
            return l->pdata[i];
        }
    }
    return NULL;
}

/* qemu-img amend's list: the qcow2 options that can change in place. */
static const char *const amend_names[] = {
    "backing_file", "backing_fmt", "compat", "data_file", "data_file_raw",
    "lazy_refcounts", "refcount_bits", "size", NULL,
};

static bool is_amend_opt(const char *name)
{
    return g_strv_contains(amend_names, name);
}

void img_amend_help(void)
{
    g_autoptr(GPtrArray) l = opt_list("qcow2", false);
    g_ptr_array_sort(l, opt_cmp);
    printf("Amend options for 'qcow2':\n");
    for (guint i = 0; i < l->len; i++) {
        const ImgOptDesc *d = l->pdata[i];
        if (is_amend_opt(d->name)) {
            print_opt(d);
        }
    }
}

bool img_amend_opts_check(const char *str)
{
    g_auto(GStrv) parts = g_strsplit(str, ",", -1);
    for (int i = 0; parts[i]; i++) {
        char *eq = strchr(parts[i], '=');
        if (eq) {
            *eq = 0;
        }
        if (parts[i][0] && !is_amend_opt(parts[i])) {
            g_autoptr(GPtrArray) l = opt_list("qcow2", false);
            error_report("Invalid parameter '%s'", parts[i]);
            if (find_opt(l, parts[i])) {
                error_printf("This option is only supported for image "
                             "creation\n");
            }
            return false;
        }
    }
    return true;
}

int img_parse_compat(const char *str)
{
    if (!strcmp(str, "0.10") || !strcmp(str, "v2")) {
        return 2;
    }
    return !strcmp(str, "1.1") || !strcmp(str, "v3") ? 3 : 0;
}

bool img_parse_prealloc(const char *str, BlockPreallocMode *mode)
{
    static const char *const modes[] = {
        [PREALLOC_MODE_OFF] = "off", [PREALLOC_MODE_METADATA] = "metadata",
        [PREALLOC_MODE_FALLOC] = "falloc", [PREALLOC_MODE_FULL] = "full",
    };
    for (size_t i = 0; i < ARRAY_SIZE(modes); i++) {
        if (!strcmp(str, modes[i])) {
            *mode = i;
            return true;
        }
    }
    return false;
}

bool img_opts_is_help(const char *str)
{
    g_auto(GStrv) parts = g_strsplit(str ? str : "", ",", -1);
    for (int i = 0; parts[i]; i++) {
        if (!strcmp(parts[i], "help") || !strcmp(parts[i], "?")) {
            return true;
        }
    }
    return false;
}



void img_opts_append(ImgCreateOpts *c, const char *str)
{
    if (!c->optstr) {
        c->optstr = g_string_new(str);
    } else {
        g_string_append_printf(c->optstr, ",%s", str);
    }
}

/* "k=v,k=v" into c->vals (as the Formatting line prints them). */
static bool parse_opts(const char *fmt, const char *pfx, const char *str,
                       ImgCreateOpts *c)
{
    g_autoptr(GPtrArray) l = opt_list(fmt, true);
    g_auto(GStrv) parts = g_strsplit(str, ",", -1);
    for (int i = 0; parts[i]; i++) {
        char *eq = strchr(parts[i], '=');
        if (!parts[i][0]) {
            continue;
        }
        if (eq) {
            *eq = 0;
        }
        const char *k = parts[i], *v = eq ? eq + 1 : "";
        const ImgOptDesc *d = find_opt(l, k);
        uint64_t n;
        char *end;
        if (!d) {
            error_report("%sInvalid parameter '%s'", pfx, k);
            return false;
        }
        if (!eq && d->type != OPT_BOOL) {
            error_report("%sInvalid parameter '%s'", pfx, k);
            return false;
        }
        switch (d->type) {
        case OPT_SIZE:
            if (!img_parse_size(v, &n)) {
                error_report("%sParameter '%s' expects a non-negative "
                             "number below 2^64", pfx, k);
                error_printf("Optional suffix k, M, G, T, P or E means kilo-, "
                             "mega-, giga-, tera-, peta-\n"
                             "and exabytes, respectively.\n");
                return false;
            }
            g_hash_table_insert(c->vals, g_strdup(k),
                                g_strdup_printf("%" PRIu64, n));
            break;
        case OPT_NUM:
            errno = 0;
            n = strtoull(v, &end, 0);
            if (errno || end == v || *end || v[0] == '-') {
                error_report("%sParameter '%s' expects a number", pfx,
                             k);
                return false;
            }
            g_hash_table_insert(c->vals, g_strdup(k),
                                g_strdup_printf("%" PRIu64, n));
            break;
        case OPT_BOOL:
            if (!eq) {
                v = "on";
            }
            if (strcmp(v, "on") && strcmp(v, "off")) {
                error_report("%sParameter '%s' expects 'on' or 'off'",
                             pfx, k);
                return false;
            }
            g_hash_table_insert(c->vals, g_strdup(k), g_strdup(v));
            break;
        case OPT_STR:
            g_hash_table_insert(c->vals, g_strdup(k), g_strdup(v));
            break;
        }
    }
    return true;
}

bool img_opts_parse(const char *fmt, ImgCreateOpts *c)
{
    const char *pfx = c->errpfx ? c->errpfx : "";
    if (!bdrv_find_format(fmt) || !strcmp(fmt, "file")) {
        error_report("%sUnknown file format '%s'", pfx, fmt);
        return false;
    }
    if (!c->vals) {
        c->vals = g_hash_table_new_full(g_str_hash, g_str_equal, g_free,
                                        g_free);
    }
    return !c->optstr || parse_opts(fmt, pfx, c->optstr->str, c);
}

const char *img_opt(ImgCreateOpts *c, const char *name)
{
    return c->vals ? g_hash_table_lookup(c->vals, name) : NULL;
}

void img_opt_set(ImgCreateOpts *c, const char *name, const char *value)
{
    g_hash_table_insert(c->vals, g_strdup(name), g_strdup(value));
}

static bool opt_on(ImgCreateOpts *c, const char *name)
{
    const char *v = img_opt(c, name);
    return v && !strcmp(v, "on");
}

/*
 * The checks QEMU's drivers make after printing the Formatting line,
 * and the options as the block layer takes them.
 */
bool img_opts_to_block(const char *fmt, ImgCreateOpts *c, BlockCreateOpts *o)
{
    const char *pfx = c->errpfx ? c->errpfx : "";
    bool qcow2 = !strcmp(fmt, "qcow2");
    const char *v;
    memset(o, 0, sizeof(*o));
    o->size = (v = img_opt(c, "size")) ? g_ascii_strtoull(v, NULL, 10) : 0;
    if ((v = img_opt(c, "preallocation")) &&
        !img_parse_prealloc(v, &o->prealloc)) {
        if (qcow2) {
            error_report("%sParameter 'preallocation' does not accept value "
                         "'%s'", pfx, v);
        } else {
            error_report("%sinvalid parameter value: %s", pfx, v);
        }
        return false;
    }
    if (!qcow2) {
        return true;
    }
    if ((v = img_opt(c, "compat"))) {
        o->compat = img_parse_compat(v);
        if (!o->compat) {
            error_report("%sParameter 'version' does not accept value '%s'",
                         pfx, v);
            return false;
        }
    }
    if ((v = img_opt(c, "compression_type")) && strcmp(v, "zlib")) {
        if (strcmp(v, "zstd")) {
            error_report("%sParameter 'compression-type' does not accept "
                         "value '%s'", pfx, v);
        } else {
            error_report("%sCompression type 'zstd' is not supported",
                         pfx);
        }
        return false;
    }
    if (opt_on(c, "extended_l2")) {
        error_report("%sExtended L2 entries are not supported", pfx);
        return false;
    }
    if (img_opt(c, "data_file")) {
        error_report("%sExternal data files are not supported", pfx);
        return false;
    }
    if (opt_on(c, "data_file_raw")) {
        error_report("%sdata-file-raw requires data-file", pfx);
        return false;
    }
    if ((v = img_opt(c, "cluster_size"))) {
        uint64_t n = g_ascii_strtoull(v, NULL, 10);
        if (n > UINT32_MAX || n == 0) {
            error_report("%sCluster size must be a power of two between 512 "
                         "and 2048k", pfx);
            return false;
        }
        o->cluster_size = n;
    }
    if ((v = img_opt(c, "refcount_bits"))) {
        uint64_t n = g_ascii_strtoull(v, NULL, 10);
        if (n > 64 || n == 0) {
            error_report("%sRefcount width must be a power of two and may "
                         "not exceed 64 bits", pfx);
            return false;
        }
        o->refcount_bits = n;
    }
    o->lazy_refcounts = opt_on(c, "lazy_refcounts");
    o->backing_file = img_opt(c, "backing_file");
    o->backing_fmt = img_opt(c, "backing_fmt");
    return true;
}

void img_opts_free(ImgCreateOpts *c)
{
    if (c->optstr) {
        g_string_free(c->optstr, true);
    }
    g_free(c->errpfx);
    if (c->vals) {
        g_hash_table_destroy(c->vals);
    }
}

/* "Formatting '...', fmt=... k=v ...": given values or defaults. */
static void print_formatting(const char *fmt, const char *filename,
                             ImgCreateOpts *c)
{
    g_autoptr(GPtrArray) l = opt_list(fmt, true);
    GString *line = g_string_new(NULL);
    g_string_append_printf(line, "Formatting '%s', fmt=%s", filename, fmt);
    for (guint i = 0; i < l->len; i++) {
        const ImgOptDesc *d = l->pdata[i];
        const char *v = img_opt(c, d->name);
        if (v || d->def) {
            g_string_append_printf(line, " %s=%s", d->name, v ? v : d->def);
        }
    }
    printf("%s\n", line->str);
    fflush(stdout);
    g_string_free(line, true);
}

int img_create_image(const char *fmt, const char *filename, ImgCreateOpts *c,
                     bool quiet)
{
    Error *err = NULL;
    BlockCreateOpts o;
    const char *pfx = c->errpfx ? c->errpfx : "";
    const char *backing = img_opt(c, "backing_file");
    const char *backing_fmt = img_opt(c, "backing_fmt");
    if (backing && strcmp(fmt, "qcow2")) {
        error_report("%sBacking file not supported for file format '%s'",
                     pfx, fmt);
        return 1;
    }
    if (backing && !c->unsafe_backing) {
        g_autofree char *path = bdrv_path_combine(filename, backing);
        BlockDriverState *b = bdrv_open(path, backing_fmt, NULL,
                                        BDRV_O_NO_BACKING, &err);
        if (!b) {
            error_report("%s%s", pfx, error_get_pretty(err));
            error_free(err);
            return 1;
        }
        if (!backing_fmt) {
            error_report("%sBacking file specified without backing format",
                         pfx);
            error_printf("Detected format of %s.", bdrv_get_format_name(b));
            bdrv_unref(b);
            return 1;
        }
        if (!img_opt(c, "size")) {
            g_autofree char *n = g_strdup_printf("%" PRId64,
                                                 bdrv_getlength(b));
            img_opt_set(c, "size", n);
        }
        bdrv_unref(b);
    }
    if (!img_opt(c, "size")) {
        error_report("%sImage creation needs a size parameter", pfx);
        return 1;
    }
    if (!quiet) {
        print_formatting(fmt, filename, c);
    }
    if (!img_opts_to_block(fmt, c, &o)) {
        return 1;
    }
    if (bdrv_create(fmt, filename, &o, &err) < 0) {
        error_report("%s%s", pfx, error_get_pretty(err));
        error_free(err);
        return 1;
    }
    return 0;
}

int img_create(int argc, char **argv)
{
    const char *fmt = "raw", *backing = NULL, *backing_fmt = NULL;
    ImgCreateOpts c = { 0 };
    bool quiet = false;
    int opt, ret = 1;
    while ((opt = getopt(argc, argv, ":hf:o:b:F:uq")) != -1) {
        switch (opt) {
        case 'f': fmt = optarg; break;
        case 'b': backing = optarg; break;
        case 'F': backing_fmt = optarg; break;
        case 'u': c.unsafe_backing = true; break;
        case 'q': quiet = true; break;
        case 'o': img_opts_append(&c, optarg); break;
        default:
            img_option_error(opt, argv);
            goto out;
        }
    }
    if (c.optstr && img_opts_is_help(c.optstr->str)) {
        img_opts_help(fmt, optind < argc ? argv[optind] : NULL);
        ret = 0;
        goto out;
    }
    if (optind >= argc) {
        error_report("Expecting image file name");
        goto out;
    }
    const char *filename = argv[optind++];
    c.errpfx = g_strdup_printf("%s: ", filename);
    if (!img_opts_parse(fmt, &c)) {
        goto out;
    }
    if (backing) {
        img_opt_set(&c, "backing_file", backing);
    }
    if (backing_fmt) {
        img_opt_set(&c, "backing_fmt", backing_fmt);
    }
    if (optind < argc) {
        uint64_t n;
        if (img_opt(&c, "size")) {
            error_report("%sThe image size must be specified only once",
                         c.errpfx);
            goto out;
        }
        if (!img_parse_size(argv[optind], &n) || n > INT64_MAX) {
            error_report("Invalid image size specified. You may use k, M, G, "
                         "T, P or E suffixes for");
            error_printf("kilobytes, megabytes, gigabytes, terabytes, "
                         "petabytes and exabytes.\n");
            goto out;
        }
        g_autofree char *s = g_strdup_printf("%" PRIu64, n);
        img_opt_set(&c, "size", s);
        optind++;
    }
    if (optind != argc) {
        error_report("Unexpected argument: %s", argv[optind]);
        goto out;
    }
    ret = img_create_image(fmt, filename, &c, quiet);
out:
    img_opts_free(&c);
    return ret;
}
