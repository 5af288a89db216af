/*
 * "mc146818rtc": the PC's real-time clock and CMOS memory (MC146818A data
 * sheet; QEMU's documented behaviour).
 *
 * Time keeping: the guest's time is the host wall clock plus an offset in
 * nanoseconds (offset_ns), so the clock runs in real time and keeps the
 * sub-second phase the guest set.  The time registers are computed from it
 * when read, unless the SET bit freezes them; leaving SET (or writing a time
 * register while running) reloads the offset from the registers.
 *
 * Interrupts (register C flags, IRQF when enabled in B): periodic (rate in
 * register A bits 3:0, only while PIE is set, as QEMU), update-ended once a
 * second, alarm when the alarm registers match (0xc0-0xff is "don't care").
 */
#include "qemu/osdep.h"
#include <time.h>
#include "qemu/log.h"
#include "qemu/main-loop.h"
#include "hw/rtc/mc146818rtc.h"

#define NS_PER_SEC 1000000000LL
/* UIP is set this long before the update cycle (t_BUC = 244 us). */
#define RTC_UIP_NS 244000LL
#define RTC_CMOS_SIZE 128

OBJECT_DECLARE_SIMPLE_TYPE(RTCState, MC146818_RTC)

struct RTCState {
    ISADevice parent_obj;
    uint8_t cmos_data[RTC_CMOS_SIZE];
    uint8_t cmos_index;
    int32_t base_year;
    uint32_t iobase;
    uint32_t isairq;
    int64_t offset_ns;          /* guest time = host wall clock + offset */
    int64_t last_update_sec;    /* last second for which UF/AF were handled */
    IRQLine *irq;
    IRQLine *irq_override;      /* from mc146818_rtc_init */
    QEMUTimer *periodic_timer;
    QEMUTimer *second_timer;
    MemoryRegion io;
};

static int64_t rtc_now_ns(RTCState *s)
{
    return qemu_clock_get_ns(QEMU_CLOCK_HOST) + s->offset_ns;
}

static int rtc_to_bcd(RTCState *s, int val)
{
    if (s->cmos_data[RTC_REG_B] & REG_B_DM) {
        return val;
    }
    return ((val / 10) << 4) | (val % 10);
}

static int rtc_from_bcd(RTCState *s, int val)
{
    if ((val & 0xc0) == 0xc0) {
        return -1;              /* alarm "don't care" */
    }
    if (s->cmos_data[RTC_REG_B] & REG_B_DM) {
        return val;
    }
    return ((val >> 4) * 10) + (val & 0x0f);
}

static int rtc_hours_to_reg(RTCState *s, int hour)
{
    int reg;

    if (s->cmos_data[RTC_REG_B] & REG_B_24H) {
        return rtc_to_bcd(s, hour);
    }
    reg = rtc_to_bcd(s, hour % 12 ? hour % 12 : 12);
    return hour >= 12 ? reg | 0x80 : reg;
}

static int rtc_hours_from_reg(RTCState *s, int reg)
{
    int hour;

    if (s->cmos_data[RTC_REG_B] & REG_B_24H) {
        return rtc_from_bcd(s, reg);
    }
    hour = rtc_from_bcd(s, reg & 0x7f);
    if (hour < 0) {
        return -1;
    }
    hour %= 12;
    return (reg & 0x80) ? hour + 12 : hour;
}

static void rtc_irq_update(RTCState *s)
{
    uint8_t c = s->cmos_data[RTC_REG_C] & 0x70;

    if (c & s->cmos_data[RTC_REG_B] & 0x70) {
        if (!(s->cmos_data[RTC_REG_C] & REG_C_IRQF)) {
            s->cmos_data[RTC_REG_C] |= REG_C_IRQF;
            irq_raise(s->irq);
        }
    }
}

/* Write the current time into the time registers (not while SET). */
static void rtc_update_time_regs(RTCState *s)
{
    time_t secs = rtc_now_ns(s) / NS_PER_SEC;
    struct tm tm;
    int year;

    gmtime_r(&secs, &tm);
    year = tm.tm_year + 1900 - s->base_year;
    s->cmos_data[RTC_SECONDS] = rtc_to_bcd(s, tm.tm_sec);
    s->cmos_data[RTC_MINUTES] = rtc_to_bcd(s, tm.tm_min);
    s->cmos_data[RTC_HOURS] = rtc_hours_to_reg(s, tm.tm_hour);
    s->cmos_data[RTC_DAY_OF_WEEK] = rtc_to_bcd(s, tm.tm_wday + 1);
    s->cmos_data[RTC_DAY_OF_MONTH] = rtc_to_bcd(s, tm.tm_mday);
    s->cmos_data[RTC_MONTH] = rtc_to_bcd(s, tm.tm_mon + 1);
    s->cmos_data[RTC_YEAR] = rtc_to_bcd(s, year % 100);
    s->cmos_data[RTC_CENTURY] = rtc_to_bcd(s, (year / 100) % 100);
}

/* Load the clock from the time registers the guest wrote. */
static void rtc_set_time_from_regs(RTCState *s)
{
    struct tm tm = { 0 };
    int year = rtc_from_bcd(s, s->cmos_data[RTC_YEAR]);
    int century = rtc_from_bcd(s, s->cmos_data[RTC_CENTURY]);
    time_t secs;

    tm.tm_sec = rtc_from_bcd(s, s->cmos_data[RTC_SECONDS]);
    tm.tm_min = rtc_from_bcd(s, s->cmos_data[RTC_MINUTES]);
    tm.tm_hour = rtc_hours_from_reg(s, s->cmos_data[RTC_HOURS]);
    tm.tm_mday = rtc_from_bcd(s, s->cmos_data[RTC_DAY_OF_MONTH]);
    tm.tm_mon = rtc_from_bcd(s, s->cmos_data[RTC_MONTH]) - 1;
    if (year < 0) {
        year = 0;
    }
    /* As QEMU: the century byte counts from base_year (2000 on the PC). */
    if (century < 0) {
        century = 0;
    }
    tm.tm_year = century * 100 + year + s->base_year - 1900;
    if (tm.tm_sec < 0 || tm.tm_min < 0 || tm.tm_hour < 0 || tm.tm_mday <= 0 ||
        tm.tm_mon < 0) {
        qemu_log_mask(LOG_GUEST_ERROR, "mc146818rtc: invalid time set\n");
    }
    secs = timegm(&tm);
    s->offset_ns = (int64_t)secs * NS_PER_SEC -
                   qemu_clock_get_ns(QEMU_CLOCK_HOST);
    s->last_update_sec = secs;
}

static bool rtc_running(RTCState *s)
{
    /* Divider bits 6:4 = 010 is the normal 32.768 kHz time base. */
    return !(s->cmos_data[RTC_REG_B] & REG_B_SET) &&
           (s->cmos_data[RTC_REG_A] & 0x70) == 0x20;
}

/* ---- periodic interrupt ---- */

static int64_t rtc_period_ns(RTCState *s)
{
    int rate = s->cmos_data[RTC_REG_A] & 0x0f;

    if (rate == 0) {
        return 0;
    }
    if (rate <= 2) {
        rate += 7;              /* rates 1 and 2 alias 256 Hz and 128 Hz */
    }
    return (NS_PER_SEC << (rate - 1)) / 32768;
}

static void rtc_periodic_update(RTCState *s)
{
    int64_t period = rtc_period_ns(s);

    if (period && (s->cmos_data[RTC_REG_B] & REG_B_PIE)) {
        int64_t now = qemu_clock_get_ns(QEMU_CLOCK_HOST);
        timer_mod_ns(s->periodic_timer, (now / period + 1) * period);
    } else {
        timer_del(s->periodic_timer);
    }
}

static void rtc_periodic_timer(void *opaque)
{
    RTCState *s = opaque;

    s->cmos_data[RTC_REG_C] |= REG_C_PF;
    rtc_irq_update(s);
    rtc_periodic_update(s);
}

/* ---- once a second: update-ended and alarm ---- */

static bool rtc_alarm_matches(RTCState *s)
{
    int sec = rtc_from_bcd(s, s->cmos_data[RTC_SECONDS_ALARM]);
    int min = rtc_from_bcd(s, s->cmos_data[RTC_MINUTES_ALARM]);
    int hour = (s->cmos_data[RTC_HOURS_ALARM] & 0xc0) == 0xc0 ? -1 :
               rtc_hours_from_reg(s, s->cmos_data[RTC_HOURS_ALARM]);
    time_t secs = rtc_now_ns(s) / NS_PER_SEC;
    struct tm tm;

    gmtime_r(&secs, &tm);
    return (sec < 0 || sec == tm.tm_sec) && (min < 0 || min == tm.tm_min) &&
           (hour < 0 || hour == tm.tm_hour);
}

static void rtc_second_arm(RTCState *s)
{
    int64_t now = rtc_now_ns(s);

    if (!rtc_running(s)) {
        timer_del(s->second_timer);
        return;
    }
    timer_mod_ns(s->second_timer,
                 (now / NS_PER_SEC + 1) * NS_PER_SEC - s->offset_ns);
}

static void rtc_second_timer(void *opaque)
{
    RTCState *s = opaque;
    int64_t sec = rtc_now_ns(s) / NS_PER_SEC;

    if (rtc_running(s) && sec != s->last_update_sec) {
        s->last_update_sec = sec;
        s->cmos_data[RTC_REG_C] |= REG_C_UF;
        if (rtc_alarm_matches(s)) {
            s->cmos_data[RTC_REG_C] |= REG_C_AF;
        }
        rtc_irq_update(s);
    }
    rtc_second_arm(s);
}

/* ---- ports ---- */

static uint64_t rtc_read(void *opaque, hwaddr addr, unsigned size)
{
    RTCState *s = opaque;
    uint8_t val;

    if (addr == 0) {
        return 0xff;
    }
    switch (s->cmos_index) {
    case RTC_SECONDS:
    case RTC_MINUTES:
    case RTC_HOURS:
    case RTC_DAY_OF_WEEK:
    case RTC_DAY_OF_MONTH:
    case RTC_MONTH:
    case RTC_YEAR:
    case RTC_CENTURY:
        if (rtc_running(s)) {
            rtc_update_time_regs(s);
        }
        return s->cmos_data[s->cmos_index];
    case RTC_REG_A:
        val = s->cmos_data[RTC_REG_A] & ~REG_A_UIP;
        if (rtc_running(s) &&
            rtc_now_ns(s) % NS_PER_SEC >= NS_PER_SEC - RTC_UIP_NS) {
            val |= REG_A_UIP;
        }
        return val;
    case RTC_REG_C:
        val = s->cmos_data[RTC_REG_C];
        s->cmos_data[RTC_REG_C] = 0;
        if (val & REG_C_IRQF) {
            irq_lower(s->irq);
        }
        return val;
    default:
        return s->cmos_data[s->cmos_index];
    }
}

static void rtc_write(void *opaque, hwaddr addr, uint64_t data, unsigned size)
{
    RTCState *s = opaque;
    uint8_t val = data;

    if (addr == 0) {
        s->cmos_index = val & 0x7f;     /* bit 7 is the NMI mask */
        return;
    }
    switch (s->cmos_index) {
    case RTC_SECONDS:
    case RTC_MINUTES:
    case RTC_HOURS:
    case RTC_DAY_OF_WEEK:
    case RTC_DAY_OF_MONTH:
    case RTC_MONTH:
    case RTC_YEAR:
    case RTC_CENTURY:
        if (rtc_running(s)) {
            /* Other fields must be current before one of them changes. */
            rtc_update_time_regs(s);
            s->cmos_data[s->cmos_index] = val;
            rtc_set_time_from_regs(s);
            rtc_second_arm(s);
        } else {
            s->cmos_data[s->cmos_index] = val;
        }
        break;
    case RTC_REG_A: {
        bool was_running = rtc_running(s);

        if (was_running) {
            rtc_update_time_regs(s);
        }
        s->cmos_data[RTC_REG_A] = (val & ~REG_A_UIP) |
                                  (s->cmos_data[RTC_REG_A] & REG_A_UIP);
        if (!was_running && rtc_running(s)) {
            rtc_set_time_from_regs(s);
        }
        rtc_periodic_update(s);
        rtc_second_arm(s);
        break;
    }
    case RTC_REG_B: {
        bool was_running = rtc_running(s);

        if (was_running) {
            /* Freeze the registers in the old format before SET/DM change. */
            rtc_update_time_regs(s);
        }
        if (val & REG_B_SET) {
            val &= ~REG_B_UIE;      /* SET clears UIE (data sheet) */
        }
        s->cmos_data[RTC_REG_B] = val;
        if (!was_running && rtc_running(s)) {
            rtc_set_time_from_regs(s);
        }
        rtc_periodic_update(s);
        rtc_second_arm(s);
        /* Newly enabled sources with their flag already set interrupt now. */
        rtc_irq_update(s);
        break;
    }
    case RTC_REG_C:
    case RTC_REG_D:
        break;                      /* read-only */
    default:
        s->cmos_data[s->cmos_index] = val;
        break;
    }
}

static const MemoryRegionOps rtc_ops = {
    .read = rtc_read,
    .write = rtc_write,
    .valid = { .min_access_size = 1, .max_access_size = 1 },
    .impl = { .min_access_size = 1, .max_access_size = 1 },
};

void rtc_set_memory(DeviceState *dev, int addr, int val)
{
    RTCState *s = MC146818_RTC(dev);

    if (addr >= 0 && addr < RTC_CMOS_SIZE) {
        s->cmos_data[addr] = val;
    }
}

int rtc_get_memory(DeviceState *dev, int addr)
{
    RTCState *s = MC146818_RTC(dev);

    if (addr < 0 || addr >= RTC_CMOS_SIZE) {
        return 0;
    }
    return s->cmos_data[addr];
}

/* ---- device ---- */

static void rtc_reset(DeviceState *dev)
{
    RTCState *s = MC146818_RTC(dev);

    /* RESET clears the interrupt enables and flags; time and CMOS survive. */
    s->cmos_data[RTC_REG_B] &= ~(REG_B_PIE | REG_B_AIE | REG_B_UIE |
                                 REG_B_SQWE);
    s->cmos_data[RTC_REG_C] = 0;
    irq_lower(s->irq);
    rtc_periodic_update(s);
    rtc_second_arm(s);
}

static void rtc_realize(DeviceState *dev, Error **errp)
{
    RTCState *s = MC146818_RTC(dev);

    if (s->iobase > 0xfffe) {
        error_setg(errp, "mc146818rtc: invalid iobase 0x%x", s->iobase);
        return;
    }
    if (s->isairq >= ISA_NUM_IRQS) {
        error_setg(errp, "Maximum value for \"irq\" is: %u", ISA_NUM_IRQS - 1);
        return;
    }
    s->irq = s->irq_override ? s->irq_override :
             isa_get_irq(ISA_DEVICE(dev), s->isairq);
    s->cmos_data[RTC_REG_A] = 0x26;
    s->cmos_data[RTC_REG_B] = REG_B_24H;
    s->cmos_data[RTC_REG_C] = 0;
    s->cmos_data[RTC_REG_D] = REG_D_VRT;
    s->offset_ns = 0;
    s->last_update_sec = rtc_now_ns(s) / NS_PER_SEC;
    rtc_update_time_regs(s);
    s->periodic_timer = timer_new_ns(QEMU_CLOCK_HOST, rtc_periodic_timer, s);
    s->second_timer = timer_new_ns(QEMU_CLOCK_HOST, rtc_second_timer, s);
    memory_region_init_io(&s->io, OBJECT(dev), &rtc_ops, s, "rtc", 2);
    isa_register_ioport(ISA_DEVICE(dev), &s->io, s->iobase);
}

static void rtc_unrealize(DeviceState *dev)
{
    RTCState *s = MC146818_RTC(dev);

    timer_free(s->periodic_timer);
    timer_free(s->second_timer);
    s->periodic_timer = NULL;
    s->second_timer = NULL;
    memory_region_destroy(&s->io);
}

DeviceState *mc146818_rtc_init(ISABus *bus, int base_year, IRQLine *irq,
                               Error **errp)
{
    DeviceState *dev = qdev_new(TYPE_MC146818_RTC);

    MC146818_RTC(dev)->base_year = base_year;
    MC146818_RTC(dev)->irq_override = irq;
    if (!qdev_realize_and_unref(dev, bus ? BUS(bus) : NULL, errp)) {
        return NULL;
    }
    return dev;
}

static const Property rtc_properties[] = {
    DEFINE_PROP_INT32("base_year", RTCState, base_year, 1980),
    DEFINE_PROP_UINT32("iobase", RTCState, iobase, RTC_ISA_BASE),
    DEFINE_PROP_UINT32("irq", RTCState, isairq, RTC_ISA_IRQ),
    DEFINE_PROP_END_OF_LIST(),
};

static void rtc_class_init(ObjectClass *klass, void *data)
{
    DeviceClass *dc = DEVICE_CLASS(klass);

    dc->realize = rtc_realize;
    dc->unrealize = rtc_unrealize;
    dc->reset = rtc_reset;
    dc->bus_type = TYPE_ISA_BUS;
    /* Part of the board: a second RTC on the same ports makes no sense. */
    dc->user_creatable = false;
    set_bit_category(dc, DEVICE_CATEGORY_MISC);
    device_class_set_props(dc, rtc_properties);
}

static const TypeInfo rtc_info = {
    .name = TYPE_MC146818_RTC,
    .parent = TYPE_ISA_DEVICE,
    .instance_size = sizeof(RTCState),
    .class_init = rtc_class_init,
};

static void rtc_register_types(void)
{
    type_register_static(&rtc_info);
}

type_init(rtc_register_types)
