/*
 * kemu-io: a small subset of qemu-io for tests and debugging:
 * -c 'read [-P pattern] off len', 'write [-P pattern | -z | -c] off len',
 * 'discard off len', 'flush'.  Prints qemu-io's "read/wrote" lines.
 */
#include "qemu/osdep.h"
#include "qemu/error-report.h"
#include <getopt.h>
#include "kemu-img.h"

static int run_command(BlockDriverState *bs, const char *cmdline)
{
    g_auto(GStrv) av = NULL;
    int ac;
    if (!g_shell_parse_argv(cmdline, &ac, &av, NULL)) {
        error_report("bad command '%s'", cmdline);
        return 1;
    }
    int pattern = -1;
    bool zero = false, compressed = false;
    int i = 1;
    for (; i < ac && av[i][0] == '-' && !g_ascii_isdigit(av[i][1]); i++) {
        if (!strcmp(av[i], "-P") && i + 1 < ac) {
            pattern = strtol(av[++i], NULL, 0);
        } else if (!strcmp(av[i], "-z")) {
            zero = true;
        } else if (!strcmp(av[i], "-c")) {
            compressed = true;
        } else {
            error_report("unknown option %s", av[i]);
            return 1;
        }
    }
    if (!strcmp(av[0], "flush")) {
        return bdrv_flush(bs) < 0;
    }
    uint64_t off, len;
    if (ac - i != 2 || !img_parse_size(av[i], &off) ||
        !img_parse_size(av[i + 1], &len)) {
        error_report("%s: expecting offset and length", av[0]);
        return 1;
    }
    g_autofree uint8_t *buf = g_malloc(MAX(len, 1));
    int ret;
    if (!strcmp(av[0], "read")) {
        ret = bdrv_pread(bs, off, len, buf);
        if (ret < 0) {
            printf("read failed: %s\n", strerror(-ret));
            return 1;
        }
        if (pattern >= 0) {
            for (uint64_t k = 0; k < len; k++) {
                if (buf[k] != (uint8_t)pattern) {
                    printf("Pattern verification failed at offset %" PRIu64
                           ", %" PRIu64 " bytes\n", off + k, len);
                    return 1;
                }
            }
        }
        printf("read %" PRIu64 "/%" PRIu64 " bytes at offset %" PRIu64 "\n",
               len, len, off);
        return 0;
    }
    if (!strcmp(av[0], "write")) {
        memset(buf, pattern >= 0 ? pattern : 0xcd, len);
        if (zero) {
            ret = bdrv_pwrite_zeroes(bs, off, len);
        } else if (compressed) {
            ret = bdrv_pwrite_compressed(bs, off, len, buf);
        } else {
            ret = bdrv_pwrite(bs, off, len, buf);
        }
        if (ret < 0) {
            printf("write failed: %s\n", strerror(-ret));
            return 1;
        }
        printf("wrote %" PRIu64 "/%" PRIu64 " bytes at offset %" PRIu64 "\n",
               len, len, off);
        return 0;
    }
    if (!strcmp(av[0], "discard")) {
        ret = bdrv_pdiscard(bs, off, len);
        if (ret < 0) {
            printf("discard failed: %s\n", strerror(-ret));
            return 1;
        }
        printf("discard %" PRIu64 "/%" PRIu64 " bytes at offset %" PRIu64
               "\n", len, len, off);
        return 0;
    }
    error_report("unknown command '%s'", av[0]);
    return 1;
}

int main(int argc, char **argv)
{
    const char *fmt = NULL;
    GPtrArray *cmds = g_ptr_array_new();
    int flags = BDRV_O_RDWR, opt, ret = 0;
    error_set_progname("kemu-io");
    while ((opt = getopt(argc, argv, "f:c:rnU")) != -1) {
        switch (opt) {
        case 'f': fmt = optarg; break;
        case 'c': g_ptr_array_add(cmds, optarg); break;
        case 'r': flags &= ~BDRV_O_RDWR; break;
        case 'n': flags |= BDRV_O_NOCACHE; break;
        case 'U': flags |= BDRV_O_FORCE_SHARE; break;
        default:
            return 1;
        }
    }
    if (optind != argc - 1) {
        error_report("Expecting one image file name");
        return 1;
    }
    BlockDriverState *bs = img_open(argv[optind], fmt, flags);
    if (!bs) {
        return 1;
    }
    for (guint i = 0; i < cmds->len && !ret; i++) {
        ret = run_command(bs, g_ptr_array_index(cmds, i));
    }
    bdrv_unref(bs);
    g_ptr_array_free(cmds, true);
    return ret;
}
