/*
 * -vga and the display backend (-display, -vnc, -nographic): the default
 * VGA as QEMU's pc machine creates it (std unless -nodefaults or -vga
 * none), then the display that shows its console.
 */
#include "qemu/osdep.h"
#include "qemu/error-report.h"
#include "hw/qdev-core.h"
#include "hw/isa/isa.h"
#include "ui/display.h"
#include "system/startup.h"

static void create_vga(const KemuConfig *cfg)
{
    const char *vga = cfg->vga ? cfg->vga : (cfg->nodefaults ? "none" : "std");
    Error *err = NULL;
    DeviceState *dev;

    if (!strcmp(vga, "none")) {
        return;
    }
    if (strcmp(vga, "std")) {
        error_report("%s not available", vga);
        exit(1);
    }
    /* The PCI "VGA" when the board has PCI, else the ISA one. */
    Object *pci = object_resolve_path("pci.0", NULL);

    if (!pci) {
        pci = object_resolve_path("pcie.0", NULL);     /* q35 */
    }
    if (object_class_by_name("VGA") && pci) {
        dev = qdev_new("VGA");
        qdev_realize_and_unref(dev, BUS(pci), &err);
    } else {
        dev = qdev_new("isa-vga");
        qdev_realize_and_unref(dev, BUS(isa_bus_get_default()), &err);
    }
    if (err) {
        startup_fail(err);
    }
}

void startup_create_display(const KemuConfig *cfg)
{
    const char *type = cfg->display;
    Error *err = NULL;

    create_vga(cfg);
    if (cfg->nographic) {
        type = "none";
    }
    if (cfg->vnc && !qemu_display_vnc_init(cfg->vnc, &err)) {
        loc_set_cmdline("-vnc", cfg->vnc);
        startup_fail(err);
    }
    if (type && !strcmp(type, "sdl") &&
        !qemu_display_sdl_init(cfg->name, cfg->full_screen, &err)) {
        startup_fail(err);
    }
}
