/*
 * -smp [[cpus=]n][,maxcpus=][,sockets=][,dies=][,clusters=][,cores=][,threads=]
 * with QEMU 7.2's rules (hw/core/machine-smp.c behaviour): omitted values
 * are derived preferring cores over sockets, then threads; the product
 * must equal maxcpus.  x86 boards support dies but not clusters.
 */
#include "qemu/osdep.h"
#include "qemu/error-report.h"
#include "system/cmdline.h"
#include "hw/boards.h"

typedef struct SmpValues {
    uint64_t cpus, sockets, dies, clusters, cores, threads, maxcpus;
    bool has_cpus, has_sockets, has_dies, has_clusters, has_cores,
         has_threads, has_maxcpus;
} SmpValues;

static bool smp_read(QemuOpts *opts, SmpValues *v, Error **errp)
{
    static const struct {
        const char *name;
        size_t val, has;
    } keys[] = {
        { "cpus", offsetof(SmpValues, cpus), offsetof(SmpValues, has_cpus) },
        { "sockets", offsetof(SmpValues, sockets),
          offsetof(SmpValues, has_sockets) },
        { "dies", offsetof(SmpValues, dies), offsetof(SmpValues, has_dies) },
        { "clusters", offsetof(SmpValues, clusters),
          offsetof(SmpValues, has_clusters) },
        { "cores", offsetof(SmpValues, cores),
          offsetof(SmpValues, has_cores) },
        { "threads", offsetof(SmpValues, threads),
          offsetof(SmpValues, has_threads) },
        { "maxcpus", offsetof(SmpValues, maxcpus),
          offsetof(SmpValues, has_maxcpus) },
    };

    for (guint i = 0; i < opts->opts->len; i++) {
        QemuOpt *o = g_ptr_array_index(opts->opts, i);
        size_t k;

        for (k = 0; k < ARRAY_SIZE(keys); k++) {
            if (!strcmp(keys[k].name, o->name)) {
                break;
            }
        }
        if (k == ARRAY_SIZE(keys)) {
            error_setg(errp, "Parameter 'smp.%s' is unexpected", o->name);
            return false;
        }
        uint64_t *val = (uint64_t *)((char *)v + keys[k].val);
        if (!qemu_strtou64(o->str, val) || *val > UINT32_MAX) {
            error_setg(errp, "Parameter 'smp.%s' expects integer", o->name);
            return false;
        }
        *(bool *)((char *)v + keys[k].has) = true;
    }
    return true;
}

/* "sockets (2) * dies (1) * cores (2) * threads (1)" as QEMU prints it. */
static char *smp_hierarchy(const CpuTopology *t)
{
    return g_strdup_printf("sockets (%u) * dies (%u) * cores (%u) * "
                           "threads (%u)", t->sockets, t->dies, t->cores,
                           t->threads);
}

bool kemu_smp_parse(const char *smp, const char *machine_name,
                    unsigned max_cpus, CpuTopology *topo, Error **errp)
{
    SmpValues v = { 0 };
    QemuOpts *opts;
    uint64_t cpus, sockets, dies, clusters, cores, threads, maxcpus;

    if (smp) {
        opts = qemu_opts_parse(smp, "cpus", errp);
        if (!opts) {
            return false;
        }
        if (!smp_read(opts, &v, errp)) {
            qemu_opts_free(opts);
            return false;
        }
        qemu_opts_free(opts);
    }
    if ((v.has_cpus && !v.cpus) || (v.has_sockets && !v.sockets) ||
        (v.has_dies && !v.dies) || (v.has_clusters && !v.clusters) ||
        (v.has_cores && !v.cores) || (v.has_threads && !v.threads) ||
        (v.has_maxcpus && !v.maxcpus)) {
        warn_report("Deprecated CPU topology (considered invalid): "
                    "CPU topology parameters must be greater than zero");
    }
    cpus = v.cpus;
    sockets = v.sockets;
    dies = v.dies;
    clusters = v.clusters;
    cores = v.cores;
    threads = v.threads;
    maxcpus = v.maxcpus;

    if (clusters > 1) {
        error_setg(errp, "clusters not supported by this machine's CPU "
                   "topology");
        return false;
    }
    dies = dies ? dies : 1;
    clusters = 1;

    if (cpus == 0 && maxcpus == 0) {
        sockets = sockets ? sockets : 1;
        cores = cores ? cores : 1;
        threads = threads ? threads : 1;
    } else {
        maxcpus = maxcpus ? maxcpus : cpus;
        /* Since QEMU 6.2 cores are preferred over sockets. */
        if (cores == 0) {
            sockets = sockets ? sockets : 1;
            threads = threads ? threads : 1;
            cores = maxcpus / (sockets * dies * clusters * threads);
        } else if (sockets == 0) {
            threads = threads ? threads : 1;
            sockets = maxcpus / (dies * clusters * cores * threads);
        }
        if (threads == 0) {
            threads = maxcpus / (sockets * dies * clusters * cores);
        }
    }
    maxcpus = maxcpus ? maxcpus : sockets * dies * clusters * cores * threads;
    cpus = cpus ? cpus : maxcpus;

    topo->cpus = cpus;
    topo->sockets = sockets;
    topo->dies = dies;
    topo->cores = cores;
    topo->threads = threads;
    topo->max_cpus = maxcpus;

    if (sockets * dies * clusters * cores * threads != maxcpus) {
        g_autofree char *h = smp_hierarchy(topo);

        error_setg(errp, "Invalid CPU topology: product of the hierarchy "
                   "must match maxcpus: %s != maxcpus (%u)", h,
                   (unsigned)maxcpus);
        return false;
    }
    if (maxcpus < cpus) {
        g_autofree char *h = smp_hierarchy(topo);

        error_setg(errp, "Invalid CPU topology: maxcpus must be equal to or "
                   "greater than smp: %s == maxcpus (%u) < smp_cpus (%u)",
                   h, (unsigned)maxcpus, (unsigned)cpus);
        return false;
    }
    if (maxcpus > max_cpus) {
        error_setg(errp, "Invalid SMP CPUs %u. The max CPUs supported by "
                   "machine '%s' is %u", (unsigned)maxcpus, machine_name,
                   max_cpus);
        return false;
    }
    return true;
}
