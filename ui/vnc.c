/*
 * VNC server on libvncserver: -vnc host:display[,password=on][,to=N]
 * [,share=allow-exclusive|force-shared|ignore][,websocket=on|PORT].  The framebuffer is the
 * console's surface itself (x8r8g8b8, shared with the device), so only
 * the rectangles the console reports changed are marked and sent.
 * libvncserver runs on the main loop: the console's refresh timer calls
 * rfbProcessEvents() without blocking, with the BQL held, so key and
 * pointer events go straight to the input layer.  websocket=: a second
 * listening port (5700 + display for "on", as QEMU) whose connections
 * libvncserver serves as RFB over WebSockets (it recognises the HTTP
 * upgrade on any new client).  Ctrl-Alt-N shows console N (the monitor
 * and serial port on "vc" text consoles, typed into).  Not modelled: TLS, SASL, the QEMU
 * extended key event, audio.
 */
#include "qemu/osdep.h"
#include "qemu/option.h"
#include "qapi/qapi-commands.h"
#include "qapi/qapi-events.h"
#include "system/system.h"
#include "ui/console.h"
#include "ui/display.h"
#include "ui/input.h"
#include "ui/vnc.h"
#include <arpa/inet.h>
#include <rfb/rfb.h>

/* Bounds the work of one refresh when clients flood us. */
#define VNC_MAX_MESSAGES_PER_REFRESH 256

typedef struct VncClient {
    char *host;
    char *service;
    bool websocket;             /* came in on the websocket port */
} VncClient;

typedef struct VncDisplay {
    rfbScreenInfoPtr screen;
    DisplayChangeListener dcl;
    char *host;                 /* as listened on, for info vnc */
    int port;
    int ws_sock;                /* websocket listener, -1: none */
    int ws_port;
    bool ws_accepting;          /* vnc_new_client runs for a ws client */
    bool password_on;
    char *password;             /* NULL: nobody may log in (password=on) */
    char *passwords[2];         /* rfbCheckPasswordByList's list */
    unsigned ctrl, alt;         /* Control / Alt keys held (bit per side) */
    int last_x, last_y;         /* pointer, absolute -> relative */
    bool pointer_seen;
    int buttons;
} VncDisplay;

static VncDisplay *vnc;

/* ---- console listener ---- */

static void vnc_set_framebuffer(VncDisplay *vd, DisplaySurface *surface)
{
    rfbPixelFormat *f = &vd->screen->serverFormat;

    rfbNewFramebuffer(vd->screen, (char *)surface_data(surface),
                      surface_width(surface), surface_height(surface),
                      8, 3, 4);
    vd->screen->paddedWidthInBytes = surface_stride(surface);
    /* pixman's x8r8g8b8 in little-endian memory: B, G, R, X */
    f->redShift = 16;
    f->greenShift = 8;
    f->blueShift = 0;
    f->redMax = f->greenMax = f->blueMax = 255;
}

static void vnc_dpy_switch(DisplayChangeListener *dcl, DisplaySurface *s)
{
    VncDisplay *vd = container_of(dcl, VncDisplay, dcl);

    vnc_set_framebuffer(vd, s);
    rfbMarkRectAsModified(vd->screen, 0, 0, surface_width(s),
                          surface_height(s));
}

static void vnc_dpy_update(DisplayChangeListener *dcl, int x, int y, int w,
                           int h)
{
    VncDisplay *vd = container_of(dcl, VncDisplay, dcl);

    rfbMarkRectAsModified(vd->screen, x, y, x + w, y + h);
}

static void vnc_dpy_refresh(DisplayChangeListener *dcl)
{
    VncDisplay *vd = container_of(dcl, VncDisplay, dcl);
    int fd;

    if (vd->ws_sock >= 0 &&
        (fd = accept(vd->ws_sock, NULL, NULL)) >= 0) {
        vd->ws_accepting = true;
        rfbNewClient(vd->screen, fd);   /* does the WebSocket handshake */
        vd->ws_accepting = false;
    }
    /*
     * Accept and read client messages, then send pending updates; never
     * wait.  rfbCheckFds() reads one message per client a call: drain
     * what is queued (a burst of pointer motion or typed keys) instead of
     * taking one message per refresh (100 key events took 3.3 s).
     */
    for (int i = 0; i < VNC_MAX_MESSAGES_PER_REFRESH &&
         rfbCheckFds(vd->screen, 0) > 0; i++) {
    }
    rfbProcessEvents(vd->screen, 0);
}

static const DisplayChangeListenerOps vnc_dcl_ops = {
    .dpy_name = "vnc",
    .dpy_refresh = vnc_dpy_refresh,
    .dpy_gfx_update = vnc_dpy_update,
    .dpy_gfx_switch = vnc_dpy_switch,
};

/* ---- input ---- */

/* A key typed at a text console: its character, or what a terminal sends. */
static void vnc_text_key(VncDisplay *vd, QemuConsole *con, rfbKeySym keysym)
{
    QKeyCode q = vnc_keysym_to_qcode(keysym);

    if (q != Q_KEY_CODE_UNMAPPED &&
        qemu_text_console_put_qcode(con, q, vd->ctrl)) {
        return;
    }
    if (keysym >= 0x20 && keysym < 0x7f) {
        uint8_t c = keysym;

        qemu_console_text_input(con, &c, 1);
    }
}

static void vnc_key_event(rfbBool down, rfbKeySym keysym, rfbClientPtr cl)
{
    VncDisplay *vd = vnc;
    QemuConsole *con = dpy_get_console(&vd->dcl);
    QKeyCode q = vnc_keysym_to_qcode(keysym);

    /* Control_L/R, Alt_L/R */
    if (keysym == 0xffe3 || keysym == 0xffe4) {
        vd->ctrl = down ? vd->ctrl | (1 << (keysym & 1))
                        : vd->ctrl & ~(1 << (keysym & 1));
    } else if (keysym == 0xffe9 || keysym == 0xffea) {
        vd->alt = down ? vd->alt | (1 << (keysym & 1))
                       : vd->alt & ~(1 << (keysym & 1));
    }
    /* Ctrl-Alt-N shows console N, as in QEMU's VNC server */
    if (down && vd->ctrl && vd->alt && keysym >= '1' && keysym <= '9') {
        QemuConsole *want = qemu_console_lookup_by_index(keysym - '1');

        if (want && want != con) {
            if (!con || qemu_console_is_graphic(con)) {
                qemu_input_release_keys();  /* the guest saw Ctrl and Alt */
            }
            dpy_select_console(&vd->dcl, want);
        }
        return;
    }
    if (con && !qemu_console_is_graphic(con)) {
        if (down) {
            vnc_text_key(vd, con, keysym);
        }
        return;
    }
    if (q != Q_KEY_CODE_UNMAPPED) {
        qemu_input_event_send_key_qcode(q, down);
    }
}

/*
 * RFB pointer events are absolute; the PS/2 mouse is relative, so send
 * the difference from the last position (the guest's pointer follows as
 * long as it does not accelerate).
 */
static void vnc_pointer_event(int mask, int x, int y, rfbClientPtr cl)
{
    VncDisplay *vd = vnc;
    static const InputButton bmap[5] = {
        INPUT_BUTTON_LEFT, INPUT_BUTTON_MIDDLE, INPUT_BUTTON_RIGHT,
        INPUT_BUTTON_WHEEL_UP, INPUT_BUTTON_WHEEL_DOWN,
    };

    if (vd->pointer_seen) {
        qemu_input_queue_rel(INPUT_AXIS_X, x - vd->last_x);
        qemu_input_queue_rel(INPUT_AXIS_Y, y - vd->last_y);
    }
    vd->pointer_seen = true;
    vd->last_x = x;
    vd->last_y = y;
    for (int i = 0; i < 3; i++) {
        qemu_input_queue_btn(bmap[i], mask & (1 << i));
    }
    /* wheel buttons are clicks: one step per press */
    if ((mask & 8) && !(vd->buttons & 8)) {
        qemu_input_queue_wheel(-1);
    }
    if ((mask & 16) && !(vd->buttons & 16)) {
        qemu_input_queue_wheel(1);
    }
    vd->buttons = mask;
    qemu_input_event_sync();
}

/* ---- clients ---- */

static VncServerInfo *vnc_server_info(VncDisplay *vd, bool websocket)
{
    VncServerInfo *s = g_new0(VncServerInfo, 1);

    s->host = g_strdup(vd->host);
    s->service = g_strdup_printf("%d", websocket ? vd->ws_port : vd->port);
    s->websocket = websocket;
    s->family = NETWORK_ADDRESS_FAMILY_IPV4;
    s->has_auth = true;
    s->auth = g_strdup(vd->password_on ? "vnc" : "none");
    return s;
}

static VncClientInfo *vnc_client_info(VncClient *c)
{
    VncClientInfo *i = g_new0(VncClientInfo, 1);

    i->host = g_strdup(c->host);
    i->service = g_strdup(c->service);
    i->family = NETWORK_ADDRESS_FAMILY_IPV4;
    i->websocket = c->websocket;
    return i;
}

static void vnc_client_gone(rfbClientPtr cl)
{
    VncClient *c = cl->clientData;
    VncServerInfo *s = vnc_server_info(vnc, c->websocket);
    VncClientInfo *ci = vnc_client_info(c);

    qapi_event_send_vnc_disconnected(s, ci);
    qapi_free_VncServerInfo(s);
    qapi_free_VncClientInfo(ci);
    g_free(c->host);
    g_free(c->service);
    g_free(c);
    cl->clientData = NULL;
}

static enum rfbNewClientAction vnc_new_client(rfbClientPtr cl)
{
    VncClient *c = g_new0(VncClient, 1);
    struct sockaddr_in sa;
    socklen_t len = sizeof(sa);
    VncServerInfo *s;
    VncBasicInfo b = { 0 };
    VncClientInfo *ci;

    if (getpeername(cl->sock, (struct sockaddr *)&sa, &len) == 0 &&
        sa.sin_family == AF_INET) {
        c->host = g_strdup(inet_ntoa(sa.sin_addr));
        c->service = g_strdup_printf("%u", ntohs(sa.sin_port));
    } else {
        c->host = g_strdup("");
        c->service = g_strdup("");
    }
    c->websocket = vnc->ws_accepting;
    cl->clientData = c;
    cl->clientGoneHook = vnc_client_gone;
    s = vnc_server_info(vnc, c->websocket);
    b.host = c->host;
    b.service = c->service;
    b.family = NETWORK_ADDRESS_FAMILY_IPV4;
    b.websocket = c->websocket;
    qapi_event_send_vnc_connected(s, &b);
    ci = vnc_client_info(c);
    qapi_event_send_vnc_initialized(s, ci);
    qapi_free_VncServerInfo(s);
    qapi_free_VncClientInfo(ci);
    return RFB_CLIENT_ACCEPT;
}

static rfbBool vnc_check_password(rfbClientPtr cl, const char *response,
                                  int len)
{
    /* password=on without a password set: nobody gets in (as QEMU) */
    return vnc->password && rfbCheckPasswordByList(cl, response, len);
}

/* ---- set-up ---- */

static void vnc_quiet_log(const char *format, ...)
{
}

static bool vnc_listen(VncDisplay *vd, in_addr_t addr, int first, int last)
{
    for (int d = first; d <= last; d++) {
        vd->screen->port = 5900 + d;
        vd->screen->listenInterface = addr;
        /* a failed attempt leaves the state "ready": try again for real */
        vd->screen->socketState = RFB_SOCKET_INIT;
        rfbInitServer(vd->screen);
        if (vd->screen->listenSock != RFB_INVALID_SOCKET) {
            vd->port = 5900 + d;
            return true;
        }
    }
    return false;
}

bool qemu_display_vnc_init(const char *arg, Error **errp)
{
    QemuOpts *opts = qemu_opts_parse(arg, "vnc", errp);
    const char *addr, *colon, *share, *ws;
    VncDisplay *vd;
    g_autofree char *host = NULL;
    in_addr_t in;
    int display, to;
    bool ok = false;

    if (!opts) {
        return false;
    }
    addr = qemu_opt_get(opts, "vnc");
    if (addr && !strcmp(addr, "none")) {
        qemu_opts_free(opts);
        return true;
    }
    colon = addr ? strrchr(addr, ':') : NULL;
    if (!colon || !*(colon + 1)) {
        error_setg(errp, "host and port must be specified, separated by :");
        goto out;
    }
    display = atoi(colon + 1);
    host = g_strndup(addr, colon - addr);
    in = *host ? inet_addr(host) : htonl(INADDR_ANY);
    if (in == INADDR_NONE) {
        error_setg(errp, "address resolution failed for %s", host);
        goto out;
    }
    to = qemu_opt_get_number(opts, "to", display, errp);
    share = qemu_opt_get(opts, "share");
    if (share && strcmp(share, "allow-exclusive") &&
        strcmp(share, "force-shared") && strcmp(share, "ignore")) {
        error_setg(errp, "unknown vnc share= option");
        goto out;
    }

    ws = qemu_opt_get(opts, "websocket");
    vd = g_new0(VncDisplay, 1);
    vd->ws_sock = -1;
    if (ws && strcmp(ws, "off")) {
        /* "on": QEMU's 5700 + display; else a port number */
        vd->ws_port = !strcmp(ws, "on") ? 5700 + display : atoi(ws);
        if (vd->ws_port <= 0 || vd->ws_port > 65535) {
            error_setg(errp, "invalid websocket port '%s'", ws);
            g_free(vd);
            goto out;
        }
    }
    vd->password_on = qemu_opt_get_bool(opts, "password", false, errp);
    qemu_opt_get(opts, "lossy");        /* accepted, ignored */
    if (!qemu_opts_check_unused(opts, errp)) {
        g_free(vd);
        goto out;
    }
    rfbLog = rfbErr = vnc_quiet_log;
    vd->screen = rfbGetScreen(NULL, NULL, 640, 480, 8, 3, 4);
    vd->screen->desktopName = qemu_name ?
        g_strdup_printf("QEMU (%s)", qemu_name) : g_strdup("QEMU");
    /* no cursor drawn into the picture: the guest draws its own */
    vd->screen->cursor = NULL;
    vd->screen->autoPort = FALSE;
    vd->screen->ipv6port = 0;
    vd->screen->httpPort = 0;
    vd->screen->httpDir = NULL;
    vd->screen->kbdAddEvent = vnc_key_event;
    vd->screen->ptrAddEvent = vnc_pointer_event;
    vd->screen->newClientHook = vnc_new_client;
    vd->screen->alwaysShared = share && strcmp(share, "allow-exclusive");
    if (vd->password_on) {
        vd->screen->authPasswdData = vd->passwords;
        vd->screen->passwordCheck = vnc_check_password;
    }
    if (!vnc_listen(vd, in, display, MAX(display, to))) {
        /* QEMU's words; every port of the range was taken */
        error_setg(errp, "Failed to find an available port: %s",
                   g_strerror(EADDRINUSE));
        rfbScreenCleanup(vd->screen);
        g_free(vd);
        goto out;
    }
    if (vd->ws_port) {
        vd->ws_sock = rfbListenOnTCPPort(vd->ws_port, in);
        if (vd->ws_sock < 0 || !rfbSetNonBlocking(vd->ws_sock)) {
            error_setg(errp, "Failed to start VNC server on `%s'", addr);
            rfbScreenCleanup(vd->screen);
            g_free(vd);
            goto out;
        }
    }
    vd->host = g_strdup(*host ? host : "0.0.0.0");
    vnc = vd;
    vd->dcl.ops = &vnc_dcl_ops;
    register_displaychangelistener(&vd->dcl);
    ok = true;
out:
    qemu_opts_free(opts);
    return ok;
}

/* ---- QMP ---- */

VncInfo *qmp_query_vnc(Error **errp)
{
    VncInfo *info = g_new0(VncInfo, 1);
    VncClientInfoList **tail = &info->clients;
    rfbClientIteratorPtr it;
    rfbClientPtr cl;

    if (!vnc) {
        return info;
    }
    info->enabled = true;
    info->has_host = info->has_family = info->has_service = true;
    info->has_auth = info->has_clients = true;
    info->host = g_strdup(vnc->host);
    info->family = NETWORK_ADDRESS_FAMILY_IPV4;
    info->service = g_strdup_printf("%d", vnc->port);
    info->auth = g_strdup(vnc->password_on ? "vnc" : "none");
    it = rfbGetClientIterator(vnc->screen);
    while ((cl = rfbClientIteratorNext(it))) {
        if (cl->clientData) {
            *tail = g_new0(VncClientInfoList, 1);
            (*tail)->value = vnc_client_info(cl->clientData);
            tail = &(*tail)->next;
        }
    }
    rfbReleaseClientIterator(it);
    return info;
}

void qmp_change_vnc_password(const char *password, Error **errp)
{
    if (!vnc || !vnc->password_on) {
        error_setg(errp, "Could not set password");
        return;
    }
    g_free(vnc->password);
    /* VNC authentication uses the first 8 characters */
    vnc->password = g_strndup(password, 8);
    vnc->passwords[0] = vnc->password;
    vnc->passwords[1] = NULL;
}
