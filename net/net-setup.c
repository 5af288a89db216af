/*
 * -netdev, -nic and -net as QEMU 7.2 parses them.  -netdev TYPE,id=ID
 * creates an unpeered backend a NIC claims later with netdev=ID; -nic
 * creates a backend with a generated id ("#net<N><2 random digits>") and
 * requests a NIC peered with it; -net puts NICs and backends on hub 0.
 */
#include "qemu/osdep.h"
#include "qemu/error-report.h"
#include "qemu/option.h"
#include "net/net-setup.h"
#include "clients.h"
#include "hub.h"

static const NetBackend hubport_backend;
static const NetBackend *const backends[] = {
    /* QEMU's -netdev help order */
    &hubport_backend,
    &net_backend_tap,
#ifdef CONFIG_SLIRP
    &net_backend_user,
#endif
};

static GPtrArray *nic_infos;     /* NICInfo * */
static unsigned id_counter;

unsigned net_nic_info_count(void)
{
    return nic_infos ? nic_infos->len : 0;
}

NICInfo *net_nic_info(unsigned i)
{
    return g_ptr_array_index(nic_infos, i);
}

static NICInfo *nic_info_new(void)
{
    if (!nic_infos) {
        nic_infos = g_ptr_array_new();
    }
    g_ptr_array_add(nic_infos, g_new0(NICInfo, 1));
    return g_ptr_array_index(nic_infos, nic_infos->len - 1);
}

/* QEMU's id_generate(ID_NET): a counter and two random digits. */
static char *generate_id(void)
{
    return g_strdup_printf("#net%u%02d", id_counter++,
                           g_random_int_range(0, 100));
}

static const NetBackend *find_backend(const char *type)
{
    for (size_t i = 0; i < ARRAY_SIZE(backends); i++) {
        if (!strcmp(backends[i]->type, type)) {
            return backends[i];
        }
    }
    return NULL;
}

static bool check_keys(QemuOpts *opts, const NetBackend *be,
                       const char *const *extra, Error **errp)
{
    for (guint i = 0; i < opts->opts->len; i++) {
        QemuOpt *o = g_ptr_array_index(opts->opts, i);
        bool ok = !strcmp(o->name, "type") || !strcmp(o->name, "id");

        for (const char *const *k = be->keys; !ok && *k; k++) {
            ok = !strcmp(o->name, *k);
        }
        for (const char *const *k = extra; !ok && k && *k; k++) {
            ok = !strcmp(o->name, *k);
        }
        if (!ok) {
            error_setg(errp, "Invalid parameter '%s'", o->name);
            return false;
        }
    }
    return true;
}

static void print_backend_help(void)
{
    printf("Available netdev backend types:\n");
    for (size_t i = 0; i < ARRAY_SIZE(backends); i++) {
        printf("%s\n", backends[i]->type);
    }
}

static const NetBackend *get_backend(QemuOpts *opts, Error **errp)
{
    const char *type = qemu_opt_get(opts, "type");
    const NetBackend *be;

    if (!type) {
        error_setg(errp, "Parameter 'type' is missing");
        return NULL;
    }
    be = find_backend(type);
    if (!be) {
        error_setg(errp, "Parameter 'type' does not accept value '%s'", type);
    }
    return be;
}

static bool check_new_id(const char *id, Error **errp)
{
    if (!id_wellformed(id)) {
        error_setg(errp, "Parameter 'id' expects an identifier");
        error_append_hint(errp, "Identifiers consist of letters, digits, "
                          "'-', '.', '_', starting with a letter.\n");
        return false;
    }
    if (qemu_find_netdev(id)) {
        error_setg(errp, "Duplicate ID '%s' for netdev", id);
        return false;
    }
    return true;
}

/* Every queue of the new backend @id is a netdev. */
static void mark_netdev(const char *id)
{
    NetClientState *ncs[NET_MAX_QUEUES];
    int n = qemu_find_net_clients_except(id, ncs, NET_CLIENT_DRIVER_NIC,
                                         NET_MAX_QUEUES);

    for (int i = 0; i < MIN(n, NET_MAX_QUEUES); i++) {
        ncs[i]->is_netdev = true;
    }
}

/* -netdev / netdev_add: an unpeered backend named by its id. */
static bool netdev_add_opts(QemuOpts *opts, Error **errp)
{
    const NetBackend *be;
    const char *id;

    if (qemu_opts_has_help(opts)) {
        print_backend_help();
        exit(0);
    }
    be = get_backend(opts, errp);
    if (!be || !check_keys(opts, be, NULL, errp)) {
        return false;
    }
    id = qemu_opt_get(opts, "id");
    if (!id) {
        error_setg(errp, "Parameter 'id' is missing");
        return false;
    }
    if (!check_new_id(id, errp)) {
        return false;
    }
    if (!be->init(opts, id, NULL, errp)) {
        return false;
    }
    mark_netdev(id);
    return true;
}

bool net_netdev_add(const char *arg, Error **errp)
{
    QemuOpts *opts = qemu_opts_parse(arg, "type", errp);
    bool ok;

    if (!opts) {
        return false;
    }
    ok = netdev_add_opts(opts, errp);
    qemu_opts_free(opts);
    return ok;
}

bool net_netdev_del(const char *id, Error **errp)
{
    NetClientState *nc = qemu_find_netdev(id);

    if (!nc) {
        error_set(errp, ERROR_CLASS_DEVICE_NOT_FOUND, "Device '%s' not found",
                  id);
        return false;
    }
    if (!nc->is_netdev) {
        error_setg(errp, "Device '%s' is not a netdev", id);
        return false;
    }
    /* A NIC left without its backend drops what it sends, as in QEMU. */
    qemu_del_netdev_clients(id);
    return true;
}

static bool parse_mac(QemuOpts *opts, const char *key, MACAddr *mac,
                      Error **errp)
{
    const char *s = qemu_opt_get(opts, key);

    if (s && !net_parse_macaddr(mac, s)) {
        error_setg(errp, "invalid syntax for ethernet address");
        return false;
    }
    return true;
}

/* -nic TYPE[,model=M][,mac=MAC][,backend options] */
static bool nic_add(QemuOpts *opts, Error **errp)
{
    static const char *const nic_keys[] = { "model", "mac", NULL };
    const char *type = qemu_opt_get(opts, "type");
    const NetBackend *be;
    g_autofree char *id = NULL;
    NICInfo *ni;
    MACAddr mac = { { 0 } };

    if (type && !strcmp(type, "none")) {
        return true;        /* only suppresses the default NIC */
    }
    be = get_backend(opts, errp);
    if (!be || !check_keys(opts, be, nic_keys, errp) ||
        !parse_mac(opts, "mac", &mac, errp)) {
        return false;
    }
    id = g_strdup(qemu_opt_get(opts, "id"));
    if (id) {
        if (!check_new_id(id, errp)) {
            return false;
        }
    } else {
        id = generate_id();
    }
    if (!be->init(opts, id, NULL, errp)) {
        return false;
    }
    mark_netdev(id);
    ni = nic_info_new();
    ni->model = g_strdup(qemu_opt_get(opts, "model"));
    ni->macaddr = mac;
    ni->netdev = g_strdup(id);
    return true;
}

/* -net nic[,model=][,macaddr=][,netdev=][,addr=][,name=] */
static bool net_nic_add(QemuOpts *opts, Error **errp)
{
    static const char *const keys[] = { "type", "model", "macaddr",
                                        "netdev", "addr", "name", "id",
                                        "vectors", NULL };
    const char *netdev = qemu_opt_get(opts, "netdev");
    NICInfo *ni;
    MACAddr mac = { { 0 } };

    for (guint i = 0; i < opts->opts->len; i++) {
        QemuOpt *o = g_ptr_array_index(opts->opts, i);

        if (!g_strv_contains(keys, o->name)) {
            error_setg(errp, "Invalid parameter '%s'", o->name);
            return false;
        }
    }
    if (!parse_mac(opts, "macaddr", &mac, errp)) {
        return false;
    }
    if (netdev && !qemu_find_netdev(netdev)) {
        error_setg(errp, "Property 'netdev' can't find value '%s'", netdev);
        return false;
    }
    id_counter++;           /* QEMU gives the -net nic an id too */
    ni = nic_info_new();
    ni->model = g_strdup(qemu_opt_get(opts, "model"));
    ni->macaddr = mac;
    ni->devaddr = g_strdup(qemu_opt_get(opts, "addr"));
    /* With netdev= the NIC is peered directly; otherwise through hub 0. */
    ni->netdev = g_strdup(netdev ? netdev
                                 : net_hub_add_port(0, NULL, NULL)->name);
    return true;
}

/* -net TYPE,...: NICs and backends meet on hub 0. */
static bool net_legacy_add(QemuOpts *opts, Error **errp)
{
    const char *type = qemu_opt_get(opts, "type");
    const NetBackend *be;
    g_autofree char *id = NULL;
    NetClientState *port;

    if (type && !strcmp(type, "none")) {
        return true;
    }
    if (type && !strcmp(type, "nic")) {
        return net_nic_add(opts, errp);
    }
    be = get_backend(opts, errp);
    if (!be || be == &hubport_backend || !check_keys(opts, be, NULL, errp)) {
        if (be == &hubport_backend) {
            error_setg(errp, "Parameter 'type' does not accept value '%s'",
                       type);
        }
        return false;
    }
    id = g_strdup(qemu_opt_get(opts, "id"));
    if (!id) {
        id = generate_id();
    }
    port = net_hub_add_port(0, NULL, NULL);
    if (!be->init(opts, id, port, errp)) {
        qemu_del_net_client(port);
        return false;
    }
    return true;
}

bool net_client_add(const char *opt, const char *arg, Error **errp)
{
    const char *implied = "type";
    QemuOpts *opts = qemu_opts_parse(arg, implied, errp);
    bool ok;

    if (!opts) {
        return false;
    }
    if (!strcmp(opt, "-netdev")) {
        ok = netdev_add_opts(opts, errp);
    } else if (!strcmp(opt, "-nic")) {
        ok = nic_add(opts, errp);
    } else {
        ok = net_legacy_add(opts, errp);
    }
    qemu_opts_free(opts);
    return ok;
}

void net_add_default_clients(bool have_nic_model)
{
    if (!have_nic_model) {
        return;
    }
    net_client_add("-net", "nic", &error_abort);
#ifdef CONFIG_SLIRP
    net_client_add("-net", "user", &error_abort);
#endif
}

/* ---- -netdev hubport,id=ID,hubid=N[,netdev=ID] ---- */

static NetClientState *hubport_init(QemuOpts *opts, const char *name,
                                    NetClientState *peer, Error **errp)
{
    const char *hubid = qemu_opt_get(opts, "hubid");
    const char *netdev = qemu_opt_get(opts, "netdev");
    NetClientState *hubpeer = NULL;
    uint64_t id;

    if (!hubid) {
        error_setg(errp, "Parameter 'hubid' is missing");
        return NULL;
    }
    if (!qemu_strtou64(hubid, &id) || id > INT32_MAX) {
        error_setg(errp, "Parameter 'hubid' expects int32");
        return NULL;
    }
    if (netdev) {
        hubpeer = qemu_find_netdev(netdev);
        if (!hubpeer) {
            error_setg(errp, "netdev '%s' not found", netdev);
            return NULL;
        }
        if (hubpeer->peer) {
            error_setg(errp, "netdev '%s' is already in use", netdev);
            return NULL;
        }
    }
    return net_hub_add_port(id, name, hubpeer);
}

static const char *const hubport_keys[] = { "hubid", "netdev", NULL };

static const NetBackend hubport_backend = {
    .type = "hubport",
    .keys = hubport_keys,
    .init = hubport_init,
};
