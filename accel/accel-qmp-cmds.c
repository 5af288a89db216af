/*
 * query-kvm: whether KVM is built in (present) and in use (enabled).
 */
#include "qemu/osdep.h"
#include "qapi/qapi-commands.h"
#include "accel/accel.h"

KvmInfo *qmp_query_kvm(Error **errp)
{
    KvmInfo *info = g_new0(KvmInfo, 1);

    info->enabled = kvm_enabled();
#ifdef CONFIG_KVM
    info->present = true;
#endif
    return info;
}
