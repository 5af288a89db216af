/*
 * Inside HMP: the command table row, parsed arguments, the per-monitor
 * state, and the command handlers the tables in hmp-commands.def and
 * hmp-commands-info.def point to.
 */
#ifndef MONITOR_HMP_INTERNAL_H
#define MONITOR_HMP_INTERNAL_H

#include "monitor/monitor-internal.h"
#include "target/x86/cpu.h"

typedef struct HMPArgs HMPArgs;
typedef struct ReadLineState ReadLineState;
typedef void HMPHandler(Monitor *mon, const HMPArgs *args);
/* Offer completions for argument @nb_args - 1 (1: the first), @str. */
typedef void HMPCompletion(ReadLineState *rs, int nb_args, const char *str);

/*
 * One command: @name may list aliases ("cont|c"); @args_type is QEMU's
 * argument mini-language ("fmt:/,addr:l", "all:-a,vcpu:i?"); @params and
 * @help are what "help" prints.  A row with @sub_table dispatches on its
 * first argument ("info").
 */
typedef struct HMPCommand {
    const char *name;
    const char *args_type;
    const char *params;
    const char *help;
    HMPHandler *cmd;
    const struct HMPCommand *sub_table;
    HMPCompletion *complete;    /* argument completion, may be NULL */
} HMPCommand;

extern const HMPCommand hmp_cmds[];
extern const HMPCommand hmp_info_cmds[];

/*
 * Parse the arguments of @cmd at *@endp (hmp-args.c); NULL after printing
 * QEMU's error (*@endp is then left alone).
 */
HMPArgs *hmp_parse_arguments(Monitor *mon, const char **endp,
                             const HMPCommand *cmd);
void hmp_args_free(HMPArgs *args);

/* Parsed arguments, by the names of the args_type spec. */
bool hmp_arg_has(const HMPArgs *args, const char *key);
const char *hmp_arg_str(const HMPArgs *args, const char *key);
int64_t hmp_arg_int(const HMPArgs *args, const char *key, int64_t def);
bool hmp_arg_bool(const HMPArgs *args, const char *key);

/* Expressions of x, xp, print (hmp-expr.c); false after printing why. */
bool hmp_get_expr(Monitor *mon, int64_t *pval, const char **pp);

/*
 * The CPU "cpu N" selected for @mon, its state fetched from the
 * accelerator (the vCPUs are paused for the copy when the VM runs), or
 * NULL without CPUs.
 */
X86CPU *hmp_get_cpu(Monitor *mon);
/* Select CPU @index for @mon; false when there is no such CPU. */
bool hmp_set_cpu(Monitor *mon, int64_t index);
/* Keep the monitor from prompting again (quit). */
void hmp_suspend(Monitor *mon);

/* Print "Error: <message>" for @err and free it, as QEMU's hmp_handle_error. */
void hmp_handle_error(Monitor *mon, Error *err);

/* Memory dump and disassembly (hmp-memory.c, disas.c). */
void hmp_memory_dump(Monitor *mon, int count, int format, int wsize,
                     uint64_t addr, bool is_physical);
void hmp_disas(Monitor *mon, X86CPU *cpu, uint64_t addr, int count,
               bool is_physical);

/* Argument completion (hmp-cmds.c). */
HMPCompletion hmp_device_add_completion, hmp_device_del_completion,
              hmp_chardev_add_completion, hmp_chardev_remove_completion;

/* Handlers. */
HMPHandler hmp_help, hmp_info_help;
HMPHandler hmp_stop, hmp_cont, hmp_quit, hmp_system_reset,
           hmp_system_powerdown, hmp_cpu, hmp_memory_dump_virt,
           hmp_memory_dump_phys, hmp_print, hmp_memsave, hmp_pmemsave, hmp_nmi,
           hmp_qom_list, hmp_qom_get, hmp_qom_set, hmp_device_add,
           hmp_device_del, hmp_chardev_add, hmp_chardev_remove,
           hmp_ioport_read, hmp_ioport_write, hmp_sum, hmp_gva2gpa, hmp_log,
           hmp_logfile, hmp_gpa2hva, hmp_gpa2hpa;
/* hmp-cmds-pci.c */
HMPHandler hmp_info_pci;
HMPHandler hmp_info_version, hmp_info_name, hmp_info_status, hmp_info_kvm,
    hmp_info_jit,
           hmp_info_cpus, hmp_info_registers, hmp_info_qtree,
           hmp_info_qom_tree, hmp_info_mtree, hmp_info_chardev,
           hmp_info_uuid, hmp_info_history, hmp_info_mem, hmp_info_tlb,
           hmp_info_iothreads, hmp_info_pic, hmp_info_block,
           hmp_info_hotpluggable_cpus, hmp_info_memory_size_summary,
           hmp_info_lapic;
HMPHandler hmp_block_set_io_throttle, hmp_drive_add, hmp_drive_del;
HMPHandler hmp_block_resize, hmp_snapshot_blkdev, hmp_snapshot_blkdev_internal,
           hmp_snapshot_delete_blkdev_internal, hmp_info_snapshots, hmp_eject, hmp_change, hmp_commit,
           hmp_info_blockstats;
/* Display and input (hmp-cmds-ui.c). */
HMPHandler hmp_screendump, hmp_sendkey, hmp_mouse_move, hmp_mouse_button,
           hmp_info_vnc, hmp_set_password, hmp_change_vnc;
/* Network (hmp-cmds-net.c). */
HMPHandler hmp_info_network, hmp_info_usernet, hmp_set_link, hmp_hostfwd_add,
           hmp_hostfwd_remove, hmp_netdev_add, hmp_netdev_del;
/* Block jobs (hmp-cmds-jobs.c). */
HMPHandler hmp_block_stream, hmp_drive_mirror, hmp_drive_backup,
           hmp_block_job_set_speed, hmp_block_job_cancel, hmp_block_job_pause,
           hmp_block_job_resume, hmp_block_job_complete, hmp_info_block_jobs;
/* The gdb stub (hmp-cmds.c). */
HMPHandler hmp_gdbserver;
/* qemu-io on a drive or node (hmp-qemu-io.c). */
HMPHandler hmp_qemu_io;
/* "help log": the log items (hmp-cmds.c). */
void hmp_print_log_items(Monitor *mon);

#endif
