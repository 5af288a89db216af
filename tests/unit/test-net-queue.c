/*
 * The network core without a guest: peer delivery, back-pressure (a full
 * receiver queues the sender's packets and the sender's callback runs on
 * flush), queue limits, link state, hubs for -net, MAC defaults, the
 * "info network" text and -netdev/-nic/-net errors.
 */
#include "qemu/osdep.h"
#include "net/net.h"
#include "net/nic.h"
#include "net/net-setup.h"

typedef struct TestClient {
    NetClientState nc;
} TestClient;

/* Per-client behaviour, indexed by client pointer through a small table. */
typedef struct Endpoint {
    NetClientState *nc;
    bool can_receive;
    bool refuse;               /* receive_iov returns 0 */
    GPtrArray *got;            /* GBytes * */
} Endpoint;

static Endpoint eps[8];
static int n_eps;
static int sent_cb_calls;

static Endpoint *ep_of(NetClientState *nc)
{
    for (int i = 0; i < n_eps; i++) {
        if (eps[i].nc == nc) {
            return &eps[i];
        }
    }
    g_assert_not_reached();
}

static ssize_t test_receive(NetClientState *nc, const struct iovec *iov,
                            int iovcnt)
{
    Endpoint *e = ep_of(nc);
    size_t len = net_iov_size(iov, iovcnt);
    uint8_t *buf;

    if (e->refuse) {
        return 0;
    }
    buf = g_malloc(len);
    net_iov_to_buf(iov, iovcnt, 0, buf, len);
    g_ptr_array_add(e->got, g_bytes_new_take(buf, len));
    return len;
}

static bool test_can_receive(NetClientState *nc)
{
    return ep_of(nc)->can_receive;
}

static void test_sent(NetClientState *sender, ssize_t ret)
{
    sent_cb_calls++;
}

static const NetClientInfo backend_info = {
    .type = NET_CLIENT_DRIVER_USER,     /* stands for any backend */
    .size = sizeof(TestClient),
    .receive_iov = test_receive,
    .can_receive = test_can_receive,
};

static const NetClientInfo nic_info = {
    .type = NET_CLIENT_DRIVER_NIC,
    .size = sizeof(NICState),
    .receive_iov = test_receive,
    .can_receive = test_can_receive,
};

static Endpoint *ep_add(NetClientState *nc)
{
    Endpoint *e = &eps[n_eps++];

    e->nc = nc;
    e->can_receive = true;
    e->refuse = false;
    e->got = g_ptr_array_new_with_free_func((GDestroyNotify)g_bytes_unref);
    return e;
}

static void reset(void)
{
    GPtrArray *all = net_clients();

    while (all->len) {
        NetClientState *nc = g_ptr_array_index(all, all->len - 1);

        if (nc->info->type == NET_CLIENT_DRIVER_NIC) {
            qemu_del_nic((NICState *)nc);
        } else {
            qemu_del_net_client(nc);
        }
    }
    for (int i = 0; i < n_eps; i++) {
        g_ptr_array_free(eps[i].got, TRUE);
    }
    n_eps = 0;
    sent_cb_calls = 0;
}

static Endpoint *new_backend(const char *name)
{
    NetClientState *nc = qemu_new_net_client(&backend_info, NULL, "test",
                                             name);

    nc->is_netdev = true;
    return ep_add(nc);
}

static NICConf confs[8];

static Endpoint *new_nic(const char *netdev, const char *mac)
{
    static int n;
    NICConf *conf = &confs[n++ % 8];
    g_autoptr(GError) unused = NULL;
    Error *err = NULL;
    NICState *nic;

    memset(conf, 0, sizeof(*conf));
    conf->netdev_id = (char *)netdev;
    conf->mac_str = (char *)mac;
    g_assert_true(qemu_nic_conf_resolve(conf, "e1000", &err));
    nic = qemu_new_nic(&nic_info, conf, "e1000", NULL, NULL);
    return ep_add(&nic->nc);
}

static ssize_t send_str(Endpoint *from, const char *s, NetPacketSent *cb)
{
    return qemu_send_packet_async(from->nc, (const uint8_t *)s, strlen(s),
                                  cb);
}

static void assert_got(Endpoint *e, guint i, const char *s)
{
    GBytes *b;
    gsize len;
    const char *data;

    g_assert_cmpuint(e->got->len, >, i);
    b = g_ptr_array_index(e->got, i);
    data = g_bytes_get_data(b, &len);
    g_assert_cmpmem(data, len, s, strlen(s));
}

static void test_peer_delivery(void)
{
    Endpoint *be = new_backend("n0");
    Endpoint *nic = new_nic("n0", NULL);

    g_assert_cmpint(send_str(be, "hello", NULL), ==, 5);
    assert_got(nic, 0, "hello");
    g_assert_cmpint(send_str(nic, "back", NULL), ==, 4);
    assert_got(be, 0, "back");
    g_assert_cmpstr(nic->nc->name, ==, "e1000.0");
    reset();
}

static void test_back_pressure(void)
{
    Endpoint *be = new_backend("n0");
    Endpoint *nic = new_nic("n0", NULL);

    nic->can_receive = false;
    g_assert_false(qemu_can_send_packet(be->nc));
    /* Queued: the sender is told to stop (0) and is called back later. */
    g_assert_cmpint(send_str(be, "one", test_sent), ==, 0);
    g_assert_cmpint(send_str(be, "two", test_sent), ==, 0);
    g_assert_cmpuint(nic->got->len, ==, 0);
    nic->can_receive = true;
    /* Order holds: a new packet waits behind the queued ones. */
    g_assert_cmpint(send_str(be, "three", test_sent), ==, 0);
    qemu_flush_queued_packets(nic->nc);
    g_assert_cmpuint(nic->got->len, ==, 3);
    assert_got(nic, 0, "one");
    assert_got(nic, 1, "two");
    assert_got(nic, 2, "three");
    g_assert_cmpint(sent_cb_calls, ==, 3);
    reset();
}

static void test_receive_refused(void)
{
    Endpoint *be = new_backend("n0");
    Endpoint *nic = new_nic("n0", NULL);

    /* receive_iov returning 0 disables the receiver until it flushes. */
    nic->refuse = true;
    g_assert_cmpint(send_str(be, "a", test_sent), ==, 0);
    g_assert_true(nic->nc->receive_disabled);
    g_assert_false(qemu_can_send_packet(be->nc));
    nic->refuse = false;
    g_assert_cmpint(send_str(be, "b", test_sent), ==, 0);
    qemu_flush_queued_packets(nic->nc);
    g_assert_false(nic->nc->receive_disabled);
    g_assert_cmpuint(nic->got->len, ==, 2);
    assert_got(nic, 0, "a");
    assert_got(nic, 1, "b");
    g_assert_cmpint(sent_cb_calls, ==, 2);
    /* Flushing again with an empty queue delivers nothing twice. */
    qemu_flush_queued_packets(nic->nc);
    g_assert_cmpuint(nic->got->len, ==, 2);
    reset();
}

static void test_queue_limit(void)
{
    Endpoint *be = new_backend("n0");
    Endpoint *nic = new_nic("n0", NULL);

    nic->can_receive = false;
    /* Without a callback, packets beyond the limit are dropped... */
    for (int i = 0; i < 10005; i++) {
        send_str(be, "x", NULL);
    }
    /* ...but a sender with a callback is always queued. */
    g_assert_cmpint(send_str(be, "last", test_sent), ==, 0);
    nic->can_receive = true;
    qemu_flush_queued_packets(nic->nc);
    g_assert_cmpuint(nic->got->len, ==, 10001);
    assert_got(nic, 10000, "last");
    g_assert_cmpint(sent_cb_calls, ==, 1);
    reset();
}

static void test_purge_on_delete(void)
{
    Endpoint *be = new_backend("n0");
    Endpoint *nic = new_nic("n0", NULL);

    nic->can_receive = false;
    send_str(be, "lost", test_sent);
    /* Deleting the sender drops its queued packets (callback with 0). */
    qemu_del_net_client(be->nc);
    g_assert_cmpint(sent_cb_calls, ==, 1);
    /*
     * As QEMU: the NIC keeps its deleted backend as peer (info network
     * lists it), its link goes down, the id is free for a new netdev.
     */
    g_assert_true(nic->nc->peer == be->nc);
    g_assert_true(be->nc->deleted);
    g_assert_true(nic->nc->link_down);
    g_assert_null(qemu_find_netdev("n0"));
    be->nc = NULL;
    nic->can_receive = true;
    qemu_flush_queued_packets(nic->nc);
    g_assert_cmpuint(nic->got->len, ==, 0);
    /* What the NIC sends with its link up again goes nowhere. */
    nic->nc->link_down = false;
    g_assert_cmpint(send_str(nic, "gone", test_sent), ==, 4);
    g_assert_cmpint(sent_cb_calls, ==, 1);
    reset();                         /* the NIC frees the backend too */
}

static void test_link(void)
{
    Endpoint *be = new_backend("n0");
    Endpoint *nic = new_nic("n0", NULL);
    Error *err = NULL;

    /* set_link on a netdev takes its NIC's link down too. */
    g_assert_true(net_set_link("n0", false, &err));
    g_assert_true(be->nc->link_down);
    g_assert_true(nic->nc->link_down);
    g_assert_cmpint(send_str(be, "x", NULL), ==, 1);      /* dropped */
    g_assert_cmpint(send_str(nic, "y", NULL), ==, 1);
    g_assert_cmpuint(nic->got->len + be->got->len, ==, 0);
    g_assert_true(net_set_link("n0", true, &err));
    g_assert_false(nic->nc->link_down);
    /* On a NIC only the NIC changes, as in QEMU. */
    g_assert_true(net_set_link("e1000.0", false, &err));
    g_assert_true(nic->nc->link_down);
    g_assert_false(be->nc->link_down);
    g_assert_false(net_set_link("nope", false, &err));
    g_assert_cmpstr(error_get_pretty(err), ==, "Device 'nope' not found");
    error_free(err);
    reset();
}

static void test_hub(void)
{
    Error *err = NULL;
    Endpoint *be, *nic1, *nic2;
    NetClientState *user;
    g_autoptr(GString) out = g_string_new(NULL);

    /* -net nic -net nic: two NICs on hub 0, then a backend port. */
    g_assert_true(net_client_add("-net", "nic", &err));
    g_assert_true(net_client_add("-net", "nic,model=virtio", &err));
    g_assert_cmpuint(net_nic_info_count(), ==, 2);
    nic1 = new_nic(net_nic_info(0)->netdev, NULL);
    nic2 = new_nic(net_nic_info(1)->netdev, NULL);
    be = new_backend("hubside");
    user = be->nc;
    /* Wire the backend to a new port by hand (as -net user does). */
    qemu_del_net_client(user);
    n_eps--;
    g_ptr_array_free(be->got, TRUE);
    g_assert_true(net_client_add("-netdev", "hubport,id=hp,hubid=0", &err));
    be = ep_add(qemu_new_net_client(&backend_info, qemu_find_netdev("hp"),
                                    "test", "back"));

    g_assert_cmpint(send_str(be, "bcast", NULL), ==, 5);
    assert_got(nic1, 0, "bcast");
    assert_got(nic2, 0, "bcast");
    send_str(nic1, "from1", NULL);
    assert_got(nic2, 1, "from1");
    assert_got(be, 0, "from1");
    g_assert_cmpuint(nic1->got->len, ==, 1);       /* not echoed */

    /* A hub port can receive while any other port's peer can. */
    nic1->can_receive = false;
    g_assert_true(qemu_can_send_packet(be->nc));
    nic2->can_receive = false;
    g_assert_false(qemu_can_send_packet(be->nc));
    g_assert_cmpint(send_str(be, "wait", test_sent), ==, 0);
    nic1->can_receive = true;
    qemu_flush_queued_packets(nic1->nc);
    assert_got(nic1, 1, "wait");
    g_assert_cmpint(sent_cb_calls, ==, 1);

    net_format_info_network(out);
    g_assert_cmpstr(out->str, ==,
        "hub 0\n"
        " \\ hp: back: index=0,type=user,\n"
        " \\ hub0port1: e1000.1: index=0,type=nic,model=e1000,"
        "macaddr=52:54:00:12:34:57\n"
        " \\ hub0port0: e1000.0: index=0,type=nic,model=e1000,"
        "macaddr=52:54:00:12:34:56\n");
    reset();
}

static void test_info_network(void)
{
    g_autoptr(GString) out = g_string_new(NULL);
    Endpoint *be;

    be = new_backend("n0");
    snprintf(be->nc->info_str, sizeof(be->nc->info_str),
             "net=10.0.2.0,restrict=off");
    new_nic("n0", NULL);
    new_backend("lonely");
    net_format_info_network(out);
    g_assert_cmpstr(out->str, ==,
        "e1000.0: index=0,type=nic,model=e1000,macaddr=52:54:00:12:34:56\n"
        " \\ n0: index=0,type=user,net=10.0.2.0,restrict=off\n"
        "lonely: index=0,type=user,\n");
    reset();
}

static void test_mac(void)
{
    MACAddr m = { { 0 } }, m2 = { { 0 } };
    Error *err = NULL;
    NICConf conf = { 0 };

    g_assert_true(net_parse_macaddr(&m, "52:54:00:12:34:56"));
    g_assert_true(net_parse_macaddr(&m, "2-4-6-8-a-B"));
    g_assert_cmpint(m.a[5], ==, 0xb);
    g_assert_false(net_parse_macaddr(&m, "52:54:00:12:34"));
    g_assert_false(net_parse_macaddr(&m, "52:54:00:12:34:567"));
    g_assert_false(net_parse_macaddr(&m, "zz"));

    /* A user-given default-range MAC takes its index. */
    new_nic(NULL, "52:54:00:12:34:56");
    memset(&m, 0, sizeof(m));
    qemu_macaddr_default_if_unset(&m);
    g_assert_cmpint(m.a[5], ==, 0x57);
    qemu_macaddr_default_if_unset(&m2);
    g_assert_cmpint(m2.a[5], ==, 0x58);
    qemu_macaddr_release(&m);
    qemu_macaddr_release(&m2);

    conf.mac_str = (char *)"zz";
    g_assert_false(qemu_nic_conf_resolve(&conf, "e1000", &err));
    g_assert_cmpstr(error_get_pretty(err), ==,
                    "Property 'e1000.mac' doesn't take value 'zz'");
    error_free(err);
    err = NULL;
    conf.mac_str = NULL;
    conf.netdev_id = (char *)"nx";
    g_assert_false(qemu_nic_conf_resolve(&conf, "e1000", &err));
    g_assert_cmpstr(error_get_pretty(err), ==,
                    "Property 'e1000.netdev' can't find value 'nx'");
    error_free(err);
    reset();
}

static void test_in_use(void)
{
    NICConf conf = { .netdev_id = (char *)"n0" };
    Error *err = NULL;

    new_backend("n0");
    new_nic("n0", NULL);
    g_assert_false(qemu_nic_conf_resolve(&conf, "e1000", &err));
    g_assert_cmpstr(error_get_pretty(err), ==,
                    "Property 'e1000.netdev' can't take value 'n0', "
                    "it's in use");
    error_free(err);
    reset();
}

static void expect_fail(const char *opt, const char *arg, const char *msg)
{
    Error *err = NULL;

    g_assert_false(net_client_add(opt, arg, &err));
    g_assert_cmpstr(error_get_pretty(err), ==, msg);
    error_free(err);
}

static void test_option_errors(void)
{
    expect_fail("-netdev", "foo,id=x",
                "Parameter 'type' does not accept value 'foo'");
    expect_fail("-netdev", "id=n0", "Parameter 'type' is missing");
    expect_fail("-netdev", "hubport", "Parameter 'id' is missing");
    expect_fail("-netdev", "hubport,id=1a",
                "Parameter 'id' expects an identifier");
    expect_fail("-netdev", "hubport,id=h0", "Parameter 'hubid' is missing");
    expect_fail("-netdev", "hubport,id=h0,hubid=1,foo=1",
                "Invalid parameter 'foo'");
    expect_fail("-nic", "foo", "Parameter 'type' does not accept value "
                "'foo'");
    expect_fail("-net", "nic,macaddr=zz",
                "invalid syntax for ethernet address");
    g_assert_true(net_client_add("-netdev", "hubport,id=h0,hubid=1", NULL));
    expect_fail("-netdev", "hubport,id=h0,hubid=1",
                "Duplicate ID 'h0' for netdev");
    g_assert_true(net_client_add("-nic", "none", NULL));
    g_assert_true(net_client_add("-net", "none", NULL));
#ifdef CONFIG_SLIRP
    expect_fail("-netdev", "user,id=u0,net=10.0.3.0/33",
                "Invalid netmask provided (must be in range 4-32)");
    expect_fail("-netdev", "user,id=u0,ipv6=off,ipv4=off",
                "IPv4 and IPv6 disabled");
    expect_fail("-netdev", "user,id=u0,restrict=maybe",
                "Parameter 'restrict' expects 'on' or 'off'");
    expect_fail("-netdev", "user,id=u0,hostfwd=tcp::abc-:22",
                "Invalid host forwarding rule 'tcp::abc-:22' (Bad host "
                "port)");
    expect_fail("-netdev", "user,id=u0,host=10.0.3.2",
                "Host doesn't belong to network");
    expect_fail("-netdev", "user,id=u0,dhcpstart=10.0.2.2",
                "DNS must be different from host and DNS");
#endif
    reset();
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    g_test_add_func("/net/peer-delivery", test_peer_delivery);
    g_test_add_func("/net/back-pressure", test_back_pressure);
    g_test_add_func("/net/receive-refused", test_receive_refused);
    g_test_add_func("/net/queue-limit", test_queue_limit);
    g_test_add_func("/net/purge-on-delete", test_purge_on_delete);
    g_test_add_func("/net/link", test_link);
    g_test_add_func("/net/hub", test_hub);
    g_test_add_func("/net/info-network", test_info_network);
    g_test_add_func("/net/mac", test_mac);
    g_test_add_func("/net/in-use", test_in_use);
    g_test_add_func("/net/option-errors", test_option_errors);
    return g_test_run();
}
