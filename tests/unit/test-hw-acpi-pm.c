/*
 * PIIX4_PM (hw/acpi/piix4.c, PCI 00:01.3) and piix-reset-control through
 * their ports:
 * the PM timer, ACPI mode switching through APM port 0xb2, the power
 * button and the SCI, S5 soft-off and the 0xcf9 reset, as the main loop
 * serves the requests (system/runstate.c); ACPI PCI hotplug
 * (hw/acpi/pcihp.c): GPE0, PCIU/PCID/B0EJ/PCIRMV and the eject.
 */
#include "qemu/osdep.h"
#include "qemu/main-loop.h"
#include "hw/isa/isa.h"
#include "hw/acpi/piix4.h"
#include "hw/pci-host/i440fx.h"
#include "hw/isa/piix.h"
#include "system/runstate.h"
#include "hw/acpi/pcihp.h"

#define PM1_STS 0x600
#define PM1_EN  0x602
#define PM1_CNT 0x604
#define PM_TMR  0x608

static DeviceState *pm;
static int irq_level[ISA_NUM_IRQS];
static GPtrArray *events;

static void isa_irq(void *opaque, int n, int level)
{
    irq_level[n] = level;
}

static void on_event(void *opaque, const char *event, ShutdownCause cause,
                     bool guest)
{
    g_ptr_array_add(events, g_strdup_printf("%s %s%s", event,
                                            shutdown_cause_name(cause),
                                            guest ? " guest" : ""));
}

static bool serve(int *status)
{
    g_ptr_array_set_size(events, 0);
    return qemu_main_loop_should_exit(status);
}

static void test_timer(void)
{
    uint32_t t0, t1;

    t0 = cpu_inl(PM_TMR);
    g_usleep(20000);
    t1 = cpu_inl(PM_TMR);
    g_assert_cmphex(t0 & ~0xffffffu, ==, 0);
    g_assert_cmphex(t1 & ~0xffffffu, ==, 0);
    /* 20 ms is ~71600 ticks; allow a slow machine, and 24-bit wrap */
    g_assert_cmpuint((t1 - t0) & 0xffffff, >=, 70000);
    g_assert_cmpuint((t1 - t0) & 0xffffff, <, 3579545);
}

static void test_acpi_mode(void)
{
    g_assert_cmphex(cpu_inw(PM1_CNT) & ACPI_PM1_CNT_SCI_EN, ==, 0);
    cpu_outb(APM_CNT_PORT, ACPI_ENABLE_CMD);
    g_assert_cmphex(cpu_inw(PM1_CNT) & ACPI_PM1_CNT_SCI_EN, !=, 0);
    g_assert_cmphex(cpu_inb(APM_CNT_PORT), ==, ACPI_ENABLE_CMD);
    cpu_outb(APM_CNT_PORT, ACPI_DISABLE_CMD);
    g_assert_cmphex(cpu_inw(PM1_CNT) & ACPI_PM1_CNT_SCI_EN, ==, 0);
    cpu_outb(APM_CNT_PORT, ACPI_ENABLE_CMD);
}

static void test_power_button(void)
{
    int status;

    cpu_outw(PM1_STS, 0xffff);
    cpu_outw(PM1_EN, 0);
    g_assert_cmpint(irq_level[PIIX4_PM_SCI_IRQ], ==, 0);

    /* system_powerdown: event first, then the button; latched, no SCI */
    qemu_system_powerdown_request();
    g_assert_false(serve(&status));
    g_assert_cmpuint(events->len, ==, 1);
    g_assert_cmpstr(g_ptr_array_index(events, 0), ==, "POWERDOWN none");
    g_assert_cmphex(cpu_inw(PM1_STS) & ACPI_PM1_PWRBTN, !=, 0);
    g_assert_cmpint(irq_level[PIIX4_PM_SCI_IRQ], ==, 0);

    /* enabling the event raises the SCI (level) until the status clears */
    cpu_outw(PM1_EN, ACPI_PM1_PWRBTN);
    g_assert_cmphex(cpu_inw(PM1_EN), ==, ACPI_PM1_PWRBTN);
    g_assert_cmpint(irq_level[PIIX4_PM_SCI_IRQ], ==, 1);
    cpu_outw(PM1_STS, ACPI_PM1_TMR);            /* other bits: no effect */
    g_assert_cmpint(irq_level[PIIX4_PM_SCI_IRQ], ==, 1);
    cpu_outw(PM1_STS, ACPI_PM1_PWRBTN);
    g_assert_cmphex(cpu_inw(PM1_STS) & ACPI_PM1_PWRBTN, ==, 0);
    g_assert_cmpint(irq_level[PIIX4_PM_SCI_IRQ], ==, 0);

    /* no SCI outside ACPI mode */
    cpu_outb(APM_CNT_PORT, ACPI_DISABLE_CMD);
    piix4_pm_power_button(pm);
    g_assert_cmpint(irq_level[PIIX4_PM_SCI_IRQ], ==, 0);
    cpu_outb(APM_CNT_PORT, ACPI_ENABLE_CMD);
    g_assert_cmpint(irq_level[PIIX4_PM_SCI_IRQ], ==, 1);
    cpu_outw(PM1_STS, ACPI_PM1_PWRBTN);
    cpu_outw(PM1_EN, 0);
    g_assert_cmpint(irq_level[PIIX4_PM_SCI_IRQ], ==, 0);
}

static void test_timer_overflow(void)
{
    /* TMR_STS sets when bit 23 toggles: at most ~2.35 s apart */
    cpu_outw(PM1_STS, ACPI_PM1_TMR);
    for (int i = 0; i < 300 && !(cpu_inw(PM1_STS) & ACPI_PM1_TMR); i++) {
        g_usleep(10000);
    }
    g_assert_cmphex(cpu_inw(PM1_STS) & ACPI_PM1_TMR, !=, 0);
    cpu_outw(PM1_EN, ACPI_PM1_TMR);
    g_assert_cmpint(irq_level[PIIX4_PM_SCI_IRQ], ==, 1);
    cpu_outw(PM1_EN, 0);
    cpu_outw(PM1_STS, ACPI_PM1_TMR);
    g_assert_cmpint(irq_level[PIIX4_PM_SCI_IRQ], ==, 0);
}

static void test_sleep_types(void)
{
    int status = -1;

    /* SLP_TYP without SLP_EN, and an unsupported sleep type: nothing */
    cpu_outw(PM1_CNT, ACPI_PM1_CNT_SCI_EN | (1 << 10));
    g_assert_false(serve(&status));
    g_assert_cmphex(cpu_inw(PM1_CNT), ==, ACPI_PM1_CNT_SCI_EN | (1 << 10));
    cpu_outw(PM1_CNT, ACPI_PM1_CNT_SCI_EN | (1 << 10) | ACPI_PM1_CNT_SLP_EN);
    g_assert_false(serve(&status));
    /* SLP_EN reads as 0 */
    g_assert_cmphex(cpu_inw(PM1_CNT) & ACPI_PM1_CNT_SLP_EN, ==, 0);
    /* S5 (SLP_TYP 0): guest shutdown, exit status 0 */
    cpu_outw(PM1_CNT, ACPI_PM1_CNT_SCI_EN | ACPI_PM1_CNT_SLP_EN);
    g_assert_true(serve(&status));
    g_assert_cmpint(status, ==, 0);
    g_assert_cmpstr(g_ptr_array_index(events, 0), ==,
                    "SHUTDOWN guest-shutdown guest");
}

static void test_reset_control(void)
{
    int status = -1;

    g_assert_cmphex(cpu_inw(PM1_CNT) & ACPI_PM1_CNT_SCI_EN, !=, 0);
    cpu_outb(0xcf9, 0x02);                      /* select hard reset only */
    g_assert_false(serve(&status));
    g_assert_cmpuint(events->len, ==, 0);
    g_assert_cmphex(cpu_inb(0xcf9), ==, 0x02);
    cpu_outb(0xcf9, 0x06);                      /* go */
    g_assert_false(serve(&status));
    g_assert_cmpuint(events->len, ==, 1);
    g_assert_cmpstr(g_ptr_array_index(events, 0), ==,
                    "RESET guest-reset guest");
    /* the devices were reset: ACPI mode off, RCR cleared */
    g_assert_cmphex(cpu_inw(PM1_CNT), ==, 0);
    g_assert_cmphex(cpu_inb(0xcf9), ==, 0);
}

#define GPE0_STS (ACPI_GPE0_ADDR)
#define GPE0_EN  (ACPI_GPE0_ADDR + 2)
#define PCIU     (ACPI_PCIHP_ADDR)
#define PCID     (ACPI_PCIHP_ADDR + 4)
#define B0EJ     (ACPI_PCIHP_ADDR + 8)
#define PCIRMV   (ACPI_PCIHP_ADDR + 0xc)

static PCIBus *pci;

static void test_pcihp(void)
{
    BusState *bus = BUS(pci);
    DeviceState *dev = qdev_new("pci-testdev");
    int devfn = PCI_DEVFN(5, 0);

    /* 0 (host bridge) and 1 (PM function) stay put, the others are free */
    g_assert_cmphex(cpu_inl(PCIRMV), ==, 0xfffffffc);
    g_assert_nonnull(bus->hotplug_ops);
    cpu_outb(GPE0_STS, 0xff);
    cpu_outb(GPE0_EN, 0);
    g_assert_cmpint(irq_level[PIIX4_PM_SCI_IRQ], ==, 0);

    /* plug: PCIU bit (cleared by reading), GPE status, SCI once enabled */
    PCI_DEVICE(dev)->devfn = devfn;
    g_assert_true(qdev_realize_and_unref(dev, bus, NULL));
    bus->hotplug_ops->plug(bus->hotplug_opaque, dev, NULL);
    g_assert_cmphex(cpu_inb(GPE0_STS), ==, 1u << ACPI_PCIHP_GPE_BIT);
    g_assert_cmpint(irq_level[PIIX4_PM_SCI_IRQ], ==, 0);
    cpu_outb(GPE0_EN, 1u << ACPI_PCIHP_GPE_BIT);
    g_assert_cmpint(irq_level[PIIX4_PM_SCI_IRQ], ==, 1);
    g_assert_cmphex(cpu_inl(PCIU), ==, 1u << 5);
    g_assert_cmphex(cpu_inl(PCIU), ==, 0);
    cpu_outb(GPE0_STS, 1u << ACPI_PCIHP_GPE_BIT);
    g_assert_cmpint(irq_level[PIIX4_PM_SCI_IRQ], ==, 0);

    /* unplug request: PCID until the guest ejects; the device stays */
    bus->hotplug_ops->unplug_request(bus->hotplug_opaque, dev, NULL);
    g_assert_true(dev->pending_deleted_event);
    g_assert_cmphex(cpu_inl(PCID), ==, 1u << 5);
    g_assert_cmpint(irq_level[PIIX4_PM_SCI_IRQ], ==, 1);
    cpu_outb(GPE0_STS, 1u << ACPI_PCIHP_GPE_BIT);
    g_assert_true(pci->devices[devfn] == PCI_DEVICE(dev));

    /* B0EJ of another slot does nothing; of slot 5 removes the device */
    cpu_outl(B0EJ, 1u << 7);
    while (main_loop_wait(true)) {
    }
    g_assert_true(pci->devices[devfn] == PCI_DEVICE(dev));
    cpu_outl(B0EJ, 1u << 5);
    g_assert_cmphex(cpu_inl(PCID), ==, 0);
    while (main_loop_wait(true)) {
    }
    g_assert_null(pci->devices[devfn]);
    g_assert_cmpint(irq_level[PIIX4_PM_SCI_IRQ], ==, 0);
}

int main(int argc, char **argv)
{
    ISABus *bus;
    DeviceState *rcr;
    IRQLine **irqs;

    g_test_init(&argc, &argv, NULL);
    memory_system_init();
    qemu_clock_enable_virtual(true);
    bql_lock();
    bus = isa_bus_new(NULL, get_system_io());
    irqs = irq_lines_new(isa_irq, NULL, ISA_NUM_IRQS);
    isa_bus_set_irqs(bus, irqs);
    pci = i440fx_init(get_system_memory(), get_system_io(), NULL);
    g_assert_nonnull(pci);
    pm = piix4_pm_init(pci, PIIX4_PM_DEVFN, irqs[PIIX4_PM_SCI_IRQ], NULL);
    g_assert_nonnull(pm);
    rcr = qdev_new("piix-reset-control");
    g_assert_true(qdev_realize_and_unref(rcr, BUS(bus), NULL));
    /* byte accesses at 0xcf9 pass through the host bridge's 0xcf8 window */
    i440fx_set_cf9_passthrough(pci, piix_reset_control_region(rcr));
    events = g_ptr_array_new_with_free_func(g_free);
    runstate_add_event_listener(on_event, NULL);

    g_test_add_func("/hw/acpi-pm/timer", test_timer);
    g_test_add_func("/hw/acpi-pm/acpi-mode", test_acpi_mode);
    g_test_add_func("/hw/acpi-pm/power-button", test_power_button);
    g_test_add_func("/hw/acpi-pm/timer-overflow", test_timer_overflow);
    g_test_add_func("/hw/acpi-pm/sleep-types", test_sleep_types);
    g_test_add_func("/hw/acpi-pm/reset-control", test_reset_control);
    g_test_add_func("/hw/acpi-pm/pcihp", test_pcihp);
    return g_test_run();
}
