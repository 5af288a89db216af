/*
 * Helpers shared by kemu-img and kemu-io: sizes in qemu-img's notation
 * and opening an image with qemu-img's messages.
 */
#include "qemu/osdep.h"
#include "qemu/error-report.h"
#include "qemu/option.h"
#include <math.h>
#include "kemu-img.h"

char *img_size_to_str(uint64_t val)
{
    return size_to_str(val);
}

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

