/*
 * Helpers shared by kemu-img and kemu-io: sizes in qemu-img's notation
 * and opening an image with qemu-img's messages.
 */
#include "qemu/osdep.h"
#include "qemu/error-report.h"
#include "qemu/option.h"
#include <math.h>
#include "kemu-img.h"

bool img_parse_size(const char *str, uint64_t *out)
{
    char *end;
    errno = 0;
    double v = strtod(str, &end);
    if (errno || end == str || v < 0 || str[0] == '-') {
        return false;
    }
    uint64_t mul = 1;
    switch (*end) {
    case '\0':
        break;
    case 'b': case 'B': mul = 1; end++; break;
    case 'k': case 'K': mul = KiB; end++; break;
    case 'm': case 'M': mul = MiB; end++; break;
    case 'g': case 'G': mul = GiB; end++; break;
    case 't': case 'T': mul = 1024 * GiB; end++; break;
    case 'p': case 'P': mul = 1024 * 1024 * GiB; end++; break;
    case 'e': case 'E': mul = 1024ULL * 1024 * 1024 * GiB; end++; break;
    default:
        return false;
    }
    if (*end) {
        return false;
    }
    double r = v * mul;
    if (r >= 18446744073709551616.0 || (mul == 1 && v != floor(v))) {
        return false;
    }
    *out = (uint64_t)r;
    return true;
}

BlockDriverState *img_open(const char *filename, const char *fmt, int flags)
{
    Error *err = NULL;
    BlockDriverState *bs = bdrv_open(filename, fmt, NULL, flags, &err);
    if (!bs) {
        error_report_err(err);
        return NULL;
    }
    if (bs->probed && (flags & BDRV_O_RDWR) && !strcmp(
            bdrv_get_format_name(bs), "raw")) {
        error_printf("WARNING: Image format was not specified for '%s' and "
                     "probing guessed raw.\n"
                     "         Automatically detecting the format is "
                     "dangerous for raw images, write operations on block 0 "
                     "will be restricted.\n"
                     "         Specify the 'raw' format explicitly to remove "
                     "the restrictions.\n", filename);
    }
    return bs;
}

BlockDriverState *img_open_any(const char *name, const char *fmt, int flags,
                               bool image_opts)
{
    return image_opts ? img_open_image_opts(name, flags)
                      : img_open(name, fmt, flags);
}

bool img_check_image_opts(bool image_opts, const char *fmt)
{
    if (image_opts && fmt) {
        error_report("--image-opts and --format are mutually exclusive");
        return false;
    }
    return true;
}

int img_unsupported_option(char **argv)
{
    error_report("option '%s' is not supported by kemu-img",
                 argv[optind - 1]);
    return 1;
}

void img_size_error(const char *what)
{
    error_report("Invalid %s specified. You may use k, M, G, T, P or E "
                 "suffixes for", what);
    error_report("kilobytes, megabytes, gigabytes, terabytes, petabytes and "
                 "exabytes.");
}

void img_progress_print(bool on, double pct)
{
    if (on) {
        printf("    (%3.2f/100%%)\r", pct);
        fflush(stdout);
    }
}

int img_option_error(int opt, char **argv)
{
    /* getopt with a leading ':' in the option string: '?' or ':'. */
    if (opt == ':') {
        error_report("missing argument for option '%s'", argv[optind - 1]);
    } else {
        error_report("unrecognized option '%s'", argv[optind - 1]);
    }
    error_printf("Try 'kemu-img --help' for more information\n");
    return 1;
}

bool img_parse_output(const char *arg, OutputFormat *out)
{
    if (!strcmp(arg, "json")) {
        *out = OFMT_JSON;
    } else if (!strcmp(arg, "human")) {
        *out = OFMT_HUMAN;
    } else {
        error_report("--output must be used with human or json as argument.");
        return false;
    }
    return true;
}

/* -l: "ID_OR_NAME" or "snapshot.id=ID,snapshot.name=NAME" (QEMU's). */
bool img_load_snapshot(BlockDriverState *bs, const char *param)
{
    Error *err = NULL;
    g_autofree char *id = NULL, *name = NULL;
    int ret;
    if (strchr(param, '=')) {
        g_auto(GStrv) parts = g_strsplit(param, ",", -1);
        for (int i = 0; parts[i]; i++) {
            char *eq = strchr(parts[i], '=');
            if (eq) {
                *eq = 0;
            }
            if (eq && !strcmp(parts[i], "snapshot.id")) {
                g_free(id);
                id = g_strdup(eq + 1);
            } else if (eq && !strcmp(parts[i], "snapshot.name")) {
                g_free(name);
                name = g_strdup(eq + 1);
            } else {
                error_report("Invalid parameter '%s'", parts[i]);
                error_report("Failed in parsing snapshot param '%s'", param);
                return false;
            }
        }
        ret = bdrv_snapshot_load_tmp(bs, id, name, &err);
    } else {
        /* An ID first, then a name, as QEMU. */
        ret = bdrv_snapshot_load_tmp(bs, param, NULL, &err);
        if (ret == -ENOENT) {
            error_free(err);
            err = NULL;
            ret = bdrv_snapshot_load_tmp(bs, NULL, param, &err);
        }
    }
    if (ret < 0) {
        error_report("Failed to load snapshot: %s", error_get_pretty(err));
        error_free(err);
        return false;
    }
    return true;
}
