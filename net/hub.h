/*
 * Hubs (private to net/): QEMU's replacement for the old "vlan" of -net.
 * Every port is a client peered with one NIC or backend; a packet arriving
 * at one port goes out of all the others.
 */
#ifndef NET_HUB_H
#define NET_HUB_H

#include "net/net.h"

/* A new port "hub<H>port<N>" (or @name) on hub @hub_id, created on demand. */
NetClientState *net_hub_add_port(int hub_id, const char *name,
                                 NetClientState *hubpeer);
/* Deliver packets waiting at the other ports of @nc's hub. */
bool net_hub_flush(NetClientState *nc);
/* Whether @nc is a hub port or peered with one (its hub id in *@id). */
bool net_hub_id_for_client(NetClientState *nc, int *id);
/* "hub 0\n \ hub0port1: <peer line>..." for info network. */
typedef void NetPrintClient(GString *out, NetClientState *nc);
void net_hub_info(GString *out, NetPrintClient *print);
/* Warnings for hubs without NICs or without a host side. */
void net_hub_check_clients(void);

#endif
