/*
 * Unit tests for the QAPI layer alone (libqapi + libutil): request checks
 * and QEMU's error texts in qmp_dispatch, argument type checks of the
 * generated marshallers, generated conversions, QEMU's member order,
 * events, query-commands and query-qmp-schema.  The commands themselves
 * are stand-ins defined below (the real ones live in other layers and are
 * exercised by test-qapi-cmds).
 */
#include "qemu/osdep.h"
#include "qapi/qapi-commands.h"
#include "qapi/qapi-events.h"
#include "qapi/qapi-visit.h"
#include "qapi/qmp-dispatch.h"
#include "qapi/qmp-event.h"

/* ---- stand-in commands ---- */

static GString *calls;

static void called(const char *fmt, ...) G_GNUC_PRINTF(1, 2);
static void called(const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    g_string_append_vprintf(calls, fmt, ap);
    va_end(ap);
    g_string_append_c(calls, ';');
}

StatusInfo *qmp_query_status(Error **errp)
{
    StatusInfo *info = g_new0(StatusInfo, 1);

    info->running = true;
    info->status = RUN_STATE_RUNNING;
    return info;
}

ChardevInfoList *qmp_query_chardev(Error **errp)
{
    return NULL;
}

void qmp_qmp_capabilities(bool has_enable, QMPCapabilityList *enable,
                          Error **errp)
{
    called("caps %d %s", has_enable,
           enable ? QMPCapability_str(enable->value) : "-");
}

VersionInfo *qmp_query_version(Error **errp)
{
    VersionInfo *info = g_new0(VersionInfo, 1);

    info->qemu = g_new0(VersionTriple, 1);
    info->qemu->major = 7;
    info->qemu->minor = 2;
    info->package = g_strdup("kemu");
    return info;
}

void qmp_quit(Error **errp)
{
    called("quit");
}

ObjectPropertyInfoList *qmp_qom_list(const char *path, Error **errp)
{
    error_set(errp, ERROR_CLASS_DEVICE_NOT_FOUND, "Device '%s' not found",
              path);
    return NULL;
}

JsonNode *qmp_qom_get(const char *path, const char *property, Error **errp)
{
    return json_from_string("{\"b\": [1, 2], \"a\": null}", NULL);
}

void qmp_qom_set(const char *path, const char *property, JsonNode *value,
                 Error **errp)
{
    g_autofree char *text = json_to_string(value, FALSE);

    called("qom-set %s %s %s", path, property, text);
}

ObjectTypeInfoList *qmp_qom_list_types(bool has_implements,
                                       const char *implements,
                                       bool has_abstract, bool abstract,
                                       Error **errp)
{
    called("types %d %s %d %d", has_implements,
           has_implements ? implements : "-", has_abstract, abstract);
    return NULL;
}

ObjectPropertyInfoList *qmp_device_list_properties(const char *typename,
                                                   Error **errp)
{
    return NULL;
}

void qmp_device_add(JsonObject *args, JsonNode **ret, Error **errp)
{
    called("device_add %u", json_object_get_size(args));
}

void qmp_device_del(const char *id, Error **errp)
{
}

/* ui.json */
void qmp_screendump(const char *filename, bool has_device, const char *device,
                    bool has_head, int64_t head, bool has_format,
                    ImageFormat format, Error **errp)
{
}

VncInfo *qmp_query_vnc(Error **errp)
{
    return g_new0(VncInfo, 1);
}

void qmp_change_vnc_password(const char *password, Error **errp)
{
}

void qmp_send_key(JsonObject *args, JsonNode **ret, Error **errp)
{
}

void qmp_input_send_event(JsonObject *args, JsonNode **ret, Error **errp)
{
}

CpuInfoFastList *qmp_query_cpus_fast(Error **errp)
{
    CpuInfoFastList *list = g_new0(CpuInfoFastList, 1);
    CpuInfoFast *info = g_new0(CpuInfoFast, 1);

    info->cpu_index = 0;
    info->qom_path = g_strdup("/machine/unattached/device[0]");
    info->thread_id = 1234;
    info->has_props = true;
    info->props = g_new0(CpuInstanceProperties, 1);
    info->props->has_socket_id = true;
    info->props->has_core_id = true;
    info->props->has_thread_id = true;
    info->target = SYS_EMU_TARGET_X86_64;
    list->value = info;
    return list;
}

MachineInfoList *qmp_query_machines(Error **errp)
{
    return NULL;
}

TargetInfo *qmp_query_target(Error **errp)
{
    TargetInfo *info = g_new0(TargetInfo, 1);

    info->arch = SYS_EMU_TARGET_X86_64;
    return info;
}

UuidInfo *qmp_query_uuid(Error **errp)
{
    UuidInfo *info = g_new0(UuidInfo, 1);

    info->UUID = g_strdup("00000000-0000-0000-0000-000000000000");
    return info;
}

void qmp_system_reset(Error **errp)
{
}

void qmp_system_powerdown(Error **errp)
{
}

KvmInfo *qmp_query_kvm(Error **errp)
{
    return g_new0(KvmInfo, 1);
}

PciInfoList *qmp_query_pci(Error **errp)
{
    return NULL;
}

NameInfo *qmp_query_name(Error **errp)
{
    return g_new0(NameInfo, 1);
}

IOThreadInfoList *qmp_query_iothreads(Error **errp)
{
    return NULL;
}

BlockInfoList *qmp_query_block(Error **errp)
{
    return NULL;
}

BlockStatsList *qmp_query_blockstats(bool has_query_nodes, bool query_nodes,
                                     Error **errp)
{
    return NULL;
}

void qmp_eject(bool has_device, const char *device, bool has_id,
               const char *id, bool has_force, bool force, Error **errp)
{
}

void qmp_block_resize(bool has_device, const char *device,
                      bool has_node_name, const char *node_name,
                      int64_t size, Error **errp)
{
}

void qmp_blockdev_snapshot_sync(bool has_device, const char *device,
                                bool has_node_name, const char *node_name,
                                const char *snapshot_file,
                                bool has_snapshot_node_name,
                                const char *snapshot_node_name,
                                bool has_format, const char *format,
                                bool has_mode, NewImageMode mode,
                                Error **errp)
{
}

void qmp_blockdev_snapshot_internal_sync(const char *device,
                                         const char *name, Error **errp)
{
}

SnapshotInfo *qmp_blockdev_snapshot_delete_internal_sync(
    const char *device, bool has_id, const char *id, bool has_name,
    const char *name, Error **errp)
{
    return NULL;
}

void qmp_blockdev_change_medium(bool has_device, const char *device,
                                bool has_id, const char *id,
                                const char *filename, bool has_format,
                                const char *format, bool has_read_only_mode,
                                const char *read_only_mode, Error **errp)
{
}

void qmp_stop(Error **errp)
{
    called("stop");
}

void qmp_cont(Error **errp)
{
    error_setg(errp, "Resetting the Virtual Machine is required");
}

char *qmp_human_monitor_command(const char *command_line, bool has_cpu_index,
                                int64_t cpu_index, Error **errp)
{
    return g_strdup_printf("%s/%d/%" PRId64 "\r\n", command_line,
                           has_cpu_index, cpu_index);
}

/* Network commands (net/net-qmp-cmds.c). */
void qmp_set_link(const char *name, bool up, Error **errp)
{
}

void qmp_netdev_add(JsonObject *args, JsonNode **ret, Error **errp)
{
}

void qmp_blockdev_add(JsonObject *args, JsonNode **ret, Error **errp)
{
}

void qmp_blockdev_del(const char *node_name, Error **errp)
{
}

void qmp_netdev_del(const char *id, Error **errp)
{
}

RxFilterInfoList *qmp_query_rx_filter(bool has_name, const char *name,
                                      Error **errp)
{
    return NULL;
}

/* Block jobs (qapi/job.json). */
void qmp_job_pause(const char *id, Error **errp)
{
}

void qmp_job_resume(const char *id, Error **errp)
{
}

void qmp_job_cancel(const char *id, Error **errp)
{
}

void qmp_job_complete(const char *id, Error **errp)
{
}

void qmp_job_dismiss(const char *id, Error **errp)
{
}

void qmp_job_finalize(const char *id, Error **errp)
{
}

JobInfoList *qmp_query_jobs(Error **errp)
{
    return NULL;
}

BlockJobInfoList *qmp_query_block_jobs(Error **errp)
{
    return NULL;
}

void qmp_block_stream(bool has_job_id, const char *job_id, const char *device,
                      bool has_base, const char *base, bool has_base_node,
                      const char *base_node, bool has_backing_file,
                      const char *backing_file, bool has_bottom,
                      const char *bottom, bool has_speed, int64_t speed,
                      bool has_on_error, BlockdevOnError on_error,
                      bool has_filter_node_name, const char *filter_node_name,
                      bool has_auto_finalize, bool auto_finalize,
                      bool has_auto_dismiss, bool auto_dismiss, Error **errp)
{
}

void qmp_block_commit(bool has_job_id, const char *job_id, const char *device,
                      bool has_base_node, const char *base_node, bool has_base,
                      const char *base, bool has_top_node,
                      const char *top_node, bool has_top, const char *top,
                      bool has_backing_file, const char *backing_file,
                      bool has_speed, int64_t speed, bool has_on_error,
                      BlockdevOnError on_error, bool has_filter_node_name,
                      const char *filter_node_name, bool has_auto_finalize,
                      bool auto_finalize, bool has_auto_dismiss,
                      bool auto_dismiss, Error **errp)
{
}

void qmp_drive_mirror(bool has_job_id, const char *job_id, const char *device,
                      const char *target, bool has_format, const char *format,
                      bool has_node_name, const char *node_name,
                      bool has_replaces, const char *replaces,
                      MirrorSyncMode sync, bool has_mode, NewImageMode mode,
                      bool has_speed, int64_t speed, bool has_granularity,
                      uint32_t granularity, bool has_buf_size,
                      int64_t buf_size, bool has_on_source_error,
                      BlockdevOnError on_source_error,
                      bool has_on_target_error,
                      BlockdevOnError on_target_error, bool has_unmap,
                      bool unmap, bool has_copy_mode, MirrorCopyMode copy_mode,
                      bool has_auto_finalize, bool auto_finalize,
                      bool has_auto_dismiss, bool auto_dismiss, Error **errp)
{
}

void qmp_blockdev_mirror(bool has_job_id, const char *job_id,
                         const char *device, const char *target,
                         bool has_replaces, const char *replaces,
                         MirrorSyncMode sync, bool has_speed, int64_t speed,
                         bool has_granularity, uint32_t granularity,
                         bool has_buf_size, int64_t buf_size,
                         bool has_on_source_error,
                         BlockdevOnError on_source_error,
                         bool has_on_target_error,
                         BlockdevOnError on_target_error,
                         bool has_filter_node_name,
                         const char *filter_node_name, bool has_copy_mode,
                         MirrorCopyMode copy_mode, bool has_auto_finalize,
                         bool auto_finalize, bool has_auto_dismiss,
                         bool auto_dismiss, Error **errp)
{
}

void qmp_drive_backup(bool has_job_id, const char *job_id, const char *device,
                      MirrorSyncMode sync, bool has_speed, int64_t speed,
                      bool has_bitmap, const char *bitmap,
                      bool has_bitmap_mode, BitmapSyncMode bitmap_mode,
                      bool has_compress, bool compress,
                      bool has_on_source_error,
                      BlockdevOnError on_source_error,
                      bool has_on_target_error,
                      BlockdevOnError on_target_error, bool has_auto_finalize,
                      bool auto_finalize, bool has_auto_dismiss,
                      bool auto_dismiss, bool has_filter_node_name,
                      const char *filter_node_name, bool has_x_perf,
                      BackupPerf *x_perf, const char *target, bool has_format,
                      const char *format, bool has_mode, NewImageMode mode,
                      Error **errp)
{
}

void qmp_blockdev_backup(bool has_job_id, const char *job_id,
                         const char *device, MirrorSyncMode sync,
                         bool has_speed, int64_t speed, bool has_bitmap,
                         const char *bitmap, bool has_bitmap_mode,
                         BitmapSyncMode bitmap_mode, bool has_compress,
                         bool compress, bool has_on_source_error,
                         BlockdevOnError on_source_error,
                         bool has_on_target_error,
                         BlockdevOnError on_target_error,
                         bool has_auto_finalize, bool auto_finalize,
                         bool has_auto_dismiss, bool auto_dismiss,
                         bool has_filter_node_name,
                         const char *filter_node_name, bool has_x_perf,
                         BackupPerf *x_perf, const char *target, Error **errp)
{
}

void qmp_block_job_set_speed(const char *device, int64_t speed, Error **errp)
{
}

void qmp_block_job_cancel(const char *device, bool has_force, bool force,
                          Error **errp)
{
}

void qmp_block_job_pause(const char *device, Error **errp)
{
}

void qmp_block_job_resume(const char *device, Error **errp)
{
}

void qmp_block_job_complete(const char *device, Error **errp)
{
}

void qmp_block_job_dismiss(const char *id, Error **errp)
{
}

void qmp_block_job_finalize(const char *id, Error **errp)
{
}

/* ---- helpers ---- */

/* Dispatch the request text, return the response as compact JSON. */
static char *run(const char *request, bool negotiated)
{
    g_autoptr(GError) gerr = NULL;
    JsonNode *req = json_from_string(request, &gerr);
    JsonNode *rsp;
    char *text;

    g_assert_no_error(gerr);
    rsp = qmp_dispatch(req, negotiated);
    text = json_to_string(rsp, FALSE);
    json_node_unref(rsp);
    json_node_unref(req);
    return text;
}

#define assert_rsp(request, negotiated, expected) do { \
        g_autofree char *got_ = run((request), (negotiated)); \
        g_assert_cmpstr(got_, ==, (expected)); \
    } while (0)

#define GENERIC(desc) \
    "{\"error\":{\"class\":\"GenericError\",\"desc\":\"" desc "\"}}"
#define NOT_FOUND(desc) \
    "{\"error\":{\"class\":\"CommandNotFound\",\"desc\":\"" desc "\"}}"

/* ---- request shape (reference/qmp 30-38) ---- */

static void test_request_shape(void)
{
    assert_rsp("[1, 2, 3]", true, GENERIC("QMP input must be a JSON object"));
    assert_rsp("\"x\"", true, GENERIC("QMP input must be a JSON object"));
    assert_rsp("{\"exec\": \"query-status\"}", true,
               GENERIC("QMP input member 'exec' is unexpected"));
    assert_rsp("{\"execute\": 42}", true,
               GENERIC("QMP input member 'execute' must be a string"));
    assert_rsp("{\"id\": 4}", true,
               "{\"id\":4,\"error\":{\"class\":\"GenericError\","
               "\"desc\":\"QMP input lacks member 'execute'\"}}");
    assert_rsp("{\"execute\": \"query-status\", \"arguments\": []}", true,
               GENERIC("QMP input member 'arguments' must be an object"));
    assert_rsp("{\"exec-oob\": \"query-status\"}", true,
               GENERIC("QMP input member 'exec-oob' is unexpected"));
    assert_rsp("{\"execute\": \"query-status\", \"control\": 1}", true,
               GENERIC("QMP input member 'control' is unexpected"));
    assert_rsp("{\"execute\": \"no-such-command\"}", true,
               NOT_FOUND("The command no-such-command has not been found"));
    assert_rsp("{\"execute\": \"query-events\"}", true,
               NOT_FOUND("The command query-events has not been found"));
}

/* ---- out-of-band requests once "oob" is enabled ---- */

static char *run_oob(const char *request)
{
    JsonNode *req = json_from_string(request, NULL);
    JsonNode *rsp = qmp_dispatch_oob(req, true, true);
    char *text = json_to_string(rsp, FALSE);

    json_node_unref(rsp);
    json_node_unref(req);
    return text;
}

static void test_oob(void)
{
    g_autofree char *a = run_oob("{\"exec-oob\": \"query-status\", "
                                 "\"id\": 1}");
    g_autofree char *b = run_oob("{\"exec-oob\": 5}");
    g_autofree char *c = run_oob("{\"exec-oob\": \"nosuch\"}");
    g_autofree char *d = run_oob("{\"execute\": \"query-name\"}");

    g_assert_cmpstr(a, ==, "{\"id\":1,\"error\":{\"class\":"
                    "\"GenericError\",\"desc\":\"The command query-status "
                    "does not support OOB\"}}");
    g_assert_cmpstr(b, ==, GENERIC("QMP input member 'exec-oob' must be a "
                                   "string"));
    g_assert_cmpstr(c, ==, NOT_FOUND("The command nosuch has not been found"));
    g_assert_cmpstr(d, ==, "{\"return\":{}}");
}

/* ---- capabilities negotiation (reference/qmp 00-02) ---- */

static void test_negotiation(void)
{
    g_string_truncate(calls, 0);
    assert_rsp("{\"execute\": \"query-status\"}", false,
               NOT_FOUND("Expecting capabilities negotiation with "
                         "'qmp_capabilities'"));
    /* Unknown commands too, as QEMU rewrites CommandNotFound then. */
    assert_rsp("{\"execute\": \"nosuch\", \"id\": 1}", false,
               "{\"id\":1,\"error\":{\"class\":\"CommandNotFound\","
               "\"desc\":\"Expecting capabilities negotiation with "
               "'qmp_capabilities'\"}}");
    /* A malformed request keeps its own error. */
    assert_rsp("{\"exec\": \"x\"}", false,
               GENERIC("QMP input member 'exec' is unexpected"));
    assert_rsp("{\"execute\": \"qmp_capabilities\", "
               "\"arguments\": {\"bogus\": 1}}", false,
               GENERIC("Parameter 'bogus' is unexpected"));
    assert_rsp("{\"execute\": \"qmp_capabilities\"}", false,
               "{\"return\":{}}");
    g_assert_cmpstr(calls->str, ==, "caps 0 -;");

    /* Once negotiated: arguments checked first, then refused, not run. */
    assert_rsp("{\"execute\": \"qmp_capabilities\"}", true,
               NOT_FOUND("Capabilities negotiation is already complete, "
                         "command ignored"));
    assert_rsp("{\"execute\": \"qmp_capabilities\", "
               "\"arguments\": {\"bogus\": 1}}", true,
               GENERIC("Parameter 'bogus' is unexpected"));
    g_assert_cmpstr(calls->str, ==, "caps 0 -;");
}

/* ---- argument checks by the generated marshallers ---- */

static void test_arguments(void)
{
    g_string_truncate(calls, 0);
    assert_rsp("{\"execute\": \"human-monitor-command\"}", true,
               GENERIC("Parameter 'command-line' is missing"));
    assert_rsp("{\"execute\": \"human-monitor-command\", "
               "\"arguments\": {\"command-line\": 5}}", true,
               GENERIC("Invalid parameter type for 'command-line', "
                       "expected: string"));
    assert_rsp("{\"execute\": \"human-monitor-command\", \"arguments\": "
               "{\"command-line\": \"x\", \"cpu-index\": 1.5}}", true,
               GENERIC("Invalid parameter type for 'cpu-index', "
                       "expected: integer"));
    assert_rsp("{\"execute\": \"human-monitor-command\", \"arguments\": "
               "{\"command-line\": \"info kvm\"}}", true,
               "{\"return\":\"info kvm/0/0\\r\\n\"}");
    assert_rsp("{\"execute\": \"human-monitor-command\", \"arguments\": "
               "{\"command-line\": \"x\", \"cpu-index\": 3}}", true,
               "{\"return\":\"x/1/3\\r\\n\"}");
    assert_rsp("{\"execute\": \"query-status\", "
               "\"arguments\": {\"bogus\": 1}}", true,
               GENERIC("Parameter 'bogus' is unexpected"));
    /* Missing beats unexpected, as members are read first. */
    assert_rsp("{\"execute\": \"human-monitor-command\", "
               "\"arguments\": {\"bogus\": 1}}", true,
               GENERIC("Parameter 'command-line' is missing"));

    /* Enum lists: QEMU names a list element "null". */
    assert_rsp("{\"execute\": \"qmp_capabilities\", "
               "\"arguments\": {\"enable\": [\"x\"]}}", false,
               GENERIC("Parameter 'null' does not accept value 'x'"));
    assert_rsp("{\"execute\": \"qmp_capabilities\", "
               "\"arguments\": {\"enable\": \"x\"}}", false,
               GENERIC("Invalid parameter type for 'enable', "
                       "expected: array"));
    assert_rsp("{\"execute\": \"qmp_capabilities\", "
               "\"arguments\": {\"enable\": [\"oob\"]}}", false,
               "{\"return\":{}}");

    /* Optional members and 'any'. */
    assert_rsp("{\"execute\": \"qom-list-types\", "
               "\"arguments\": {\"abstract\": true}}", true,
               "{\"return\":[]}");
    assert_rsp("{\"execute\": \"qom-list-types\", "
               "\"arguments\": {\"implements\": \"device\"}}", true,
               "{\"return\":[]}");
    assert_rsp("{\"execute\": \"qom-list-types\", "
               "\"arguments\": {\"abstract\": \"yes\"}}", true,
               GENERIC("Invalid parameter type for 'abstract', "
                       "expected: boolean"));
    assert_rsp("{\"execute\": \"qom-set\", \"arguments\": {\"path\": \"/m\", "
               "\"property\": \"p\", \"value\": [true, {\"k\": 1}]}}", true,
               "{\"return\":{}}");
    assert_rsp("{\"execute\": \"qom-set\", \"arguments\": "
               "{\"path\": \"/m\", \"property\": \"p\"}}", true,
               GENERIC("Parameter 'value' is missing"));

    /* 'gen': false takes anything. */
    assert_rsp("{\"execute\": \"device_add\", \"arguments\": "
               "{\"driver\": \"isa-serial\", \"iobase\": 1016}}", true,
               "{\"return\":{}}");
    g_assert_cmpstr(calls->str, ==,
                    "caps 1 oob;types 0 - 1 1;types 1 device 0 0;"
                    "qom-set /m p [true,{\"k\":1}];device_add 2;");
}

/* ---- results: QEMU's member order, errors of commands, id ---- */

static void test_results(void)
{
    assert_rsp("{\"execute\": \"query-status\"}", true,
               "{\"return\":{\"status\":\"running\",\"singlestep\":false,"
               "\"running\":true}}");
    assert_rsp("{\"execute\": \"query-status\", \"id\": \"abc-1\"}", true,
               "{\"return\":{\"status\":\"running\",\"singlestep\":false,"
               "\"running\":true},\"id\":\"abc-1\"}");
    assert_rsp("{\"execute\": \"query-status\", \"id\": {\"n\": 7}}", true,
               "{\"return\":{\"status\":\"running\",\"singlestep\":false,"
               "\"running\":true},\"id\":{\"n\":7}}");
    assert_rsp("{\"execute\": \"query-version\"}", true,
               "{\"return\":{\"qemu\":{\"micro\":0,\"minor\":2,\"major\":7},"
               "\"package\":\"kemu\"}}");
    assert_rsp("{\"execute\": \"query-cpus-fast\"}", true,
               "{\"return\":[{\"thread-id\":1234,\"props\":{\"core-id\":0,"
               "\"thread-id\":0,\"socket-id\":0},\"qom-path\":"
               "\"/machine/unattached/device[0]\",\"cpu-index\":0,"
               "\"target\":\"x86_64\"}]}");
    assert_rsp("{\"execute\": \"query-name\"}", true, "{\"return\":{}}");
    assert_rsp("{\"execute\": \"query-kvm\"}", true,
               "{\"return\":{\"enabled\":false,\"present\":false}}");
    assert_rsp("{\"execute\": \"query-iothreads\"}", true,
               "{\"return\":[]}");
    assert_rsp("{\"execute\": \"query-uuid\"}", true,
               "{\"return\":{\"UUID\":"
               "\"00000000-0000-0000-0000-000000000000\"}}");
    assert_rsp("{\"execute\": \"stop\"}", true, "{\"return\":{}}");
    assert_rsp("{\"execute\": \"cont\", \"id\": 9}", true,
               "{\"id\":9,\"error\":{\"class\":\"GenericError\",\"desc\":"
               "\"Resetting the Virtual Machine is required\"}}");
    assert_rsp("{\"execute\": \"qom-list\", "
               "\"arguments\": {\"path\": \"/nope\"}}", true,
               "{\"error\":{\"class\":\"DeviceNotFound\","
               "\"desc\":\"Device '/nope' not found\"}}");
    /* 'any' results are reordered too. */
    assert_rsp("{\"execute\": \"qom-get\", "
               "\"arguments\": {\"path\": \"/m\", \"property\": \"p\"}}", true,
               "{\"return\":{\"a\":null,\"b\":[1,2]}}");
}

/* ---- query-commands and query-qmp-schema ---- */

static void test_query_commands(void)
{
    g_autofree char *rsp = run("{\"execute\": \"query-commands\"}", true);

    /*
     * device_add is registered last (hand-written), listed first; then
     * the schema's commands from its last module back (job.json's, then
     * pci.json's).
     */
    g_assert_true(g_str_has_prefix(rsp, "{\"return\":[{\"name\":"
                                   "\"device_add\"},{\"name\":"
                                   "\"block-job-finalize\"}"));
    g_assert_nonnull(strstr(rsp, "{\"name\":\"job-pause\"},"
                                 "{\"name\":\"query-pci\"},{\"name\":"
                                 "\"pmemsave\"}"));
    g_assert_true(g_str_has_suffix(rsp, "{\"name\":\"query-status\"}]}"));
    g_assert_nonnull(strstr(rsp, "{\"name\":\"query-qmp-schema\"},"
                                 "{\"name\":\"quit\"},"
                                 "{\"name\":\"query-commands\"},"
                                 "{\"name\":\"query-version\"},"
                                 "{\"name\":\"qmp_capabilities\"}"));
}

/* The schema entry called @name in the query-qmp-schema reply. */
static JsonObject *schema_entry(JsonArray *schema, const char *name)
{
    for (guint i = 0; i < json_array_get_length(schema); i++) {
        JsonObject *o = json_array_get_object_element(schema, i);

        if (!strcmp(json_object_get_string_member(o, "name"), name)) {
            return o;
        }
    }
    return NULL;
}

static char *entry_text(JsonArray *schema, const char *name)
{
    JsonNode *n = json_node_new(JSON_NODE_OBJECT);
    char *text;

    json_node_set_object(n, schema_entry(schema, name));
    text = json_to_string(n, FALSE);
    json_node_unref(n);
    return text;
}

static void test_query_qmp_schema(void)
{
    JsonNode *req = json_from_string("{\"execute\": \"query-qmp-schema\"}",
                                      NULL);
    JsonNode *rsp = qmp_dispatch(req, true);
    JsonArray *schema = json_object_get_array_member(
        json_node_get_object(rsp), "return");
    JsonObject *first = json_array_get_object_element(schema, 0);
    g_autofree char *status = entry_text(schema, "query-status");
    g_autofree char *empty = entry_text(schema, "0");
    g_autofree char *info = entry_text(schema, "1");
    g_autofree char *shutdown = entry_text(schema, "SHUTDOWN");
    g_autofree char *hmc = entry_text(schema, "human-monitor-command");
    g_autofree char *str = entry_text(schema, "str");

    /* The same numbering and member order as QEMU's reply. */
    g_assert_cmpstr(json_object_get_string_member(first, "name"), ==,
                    "query-status");
    g_assert_cmpstr(status, ==, "{\"name\":\"query-status\",\"ret-type\":"
                    "\"1\",\"meta-type\":\"command\",\"arg-type\":\"0\"}");
    g_assert_cmpstr(empty, ==,
                    "{\"name\":\"0\",\"members\":[],\"meta-type\":\"object\"}");
    /*
     * RunState's number depends on how many types other modules add
     * before it: check that "status" names the enum, whatever its number.
     */
    {
        const char *pre = "{\"name\":\"1\",\"members\":["
                          "{\"name\":\"running\",\"type\":\"bool\"},"
                          "{\"name\":\"singlestep\",\"type\":\"bool\"},"
                          "{\"name\":\"status\",\"type\":\"";
        g_autofree char *num = NULL;
        g_autofree char *runstate = NULL;

        g_assert_true(g_str_has_prefix(info, pre));
        num = g_strndup(info + strlen(pre),
                        strcspn(info + strlen(pre), "\""));
        g_assert_true(g_str_has_suffix(info, "\"}],"
                                       "\"meta-type\":\"object\"}"));
        runstate = entry_text(schema, num);
        g_assert_nonnull(strstr(runstate, "\"meta-type\":\"enum\""));
        g_assert_nonnull(strstr(runstate, "\"prelaunch\""));
    }
    g_assert_cmpstr(shutdown, ==, "{\"name\":\"SHUTDOWN\",\"meta-type\":"
                    "\"event\",\"arg-type\":\"2\"}");
    g_assert_nonnull(strstr(hmc, "\"features\":[\"savevm-monitor-nodes\"]"));
    g_assert_cmpstr(str, ==, "{\"name\":\"str\",\"json-type\":\"string\","
                    "\"meta-type\":\"builtin\"}");
    json_node_unref(rsp);
    json_node_unref(req);
}

/* ---- generated conversions ---- */

static void test_enums(void)
{
    g_assert_cmpint(RUN_STATE_PRELAUNCH, ==, 6);
    g_assert_cmpstr(RunState_str(RUN_STATE_GUEST_PANICKED), ==,
                    "guest-panicked");
    g_assert_null(RunState_str(RUN_STATE__MAX));
    g_assert_cmpint(RunState_lookup("finish-migrate"), ==,
                    RUN_STATE_FINISH_MIGRATE);
    g_assert_cmpint(RunState_lookup("nope"), ==, -1);
    g_assert_cmpstr(ShutdownCause_str(SHUTDOWN_CAUSE_HOST_QMP_SYSTEM_RESET),
                    ==, "host-qmp-system-reset");
    g_assert_cmpstr(CpuS390State_str(S390_CPU_STATE_CHECK_STOP), ==,
                    "check-stop");
    g_assert_cmpstr(JSONType_str(QAPI_JSON_TYPE_BOOLEAN), ==, "boolean");
}

static void test_struct_conversions(void)
{
    g_autoptr(GError) gerr = NULL;
    JsonNode *in = json_from_string(
        "{\"qemu\": {\"major\": 7, \"minor\": 2, \"micro\": 1}, "
        "\"package\": \"p\"}", &gerr);
    JsonNode *bad = json_from_string(
        "{\"qemu\": {\"major\": \"7\", \"minor\": 2, \"micro\": 1}, "
        "\"package\": \"p\"}", NULL);
    JsonNode *extra = json_from_string(
        "{\"qemu\": {\"major\": 7, \"minor\": 2, \"micro\": 1, \"x\": 0}, "
        "\"package\": \"p\"}", NULL);
    VersionInfo *v = NULL;
    Error *err = NULL;
    JsonNode *out;
    g_autofree char *text = NULL;

    g_assert_no_error(gerr);
    g_assert_true(qapi_VersionInfo_from_json(in, "v", &v, &err));
    g_assert_null(err);
    g_assert_cmpint(v->qemu->micro, ==, 1);
    g_assert_cmpstr(v->package, ==, "p");
    out = qapi_VersionInfo_to_json(v);
    text = json_to_string(out, FALSE);
    g_assert_cmpstr(text, ==, "{\"qemu\":{\"major\":7,\"minor\":2,"
                    "\"micro\":1},\"package\":\"p\"}");
    json_node_unref(out);
    qapi_free_VersionInfo(v);

    g_assert_false(qapi_VersionInfo_from_json(bad, "v", &v, &err));
    g_assert_cmpstr(error_get_pretty(err), ==,
                    "Invalid parameter type for 'v.qemu.major', "
                    "expected: integer");
    error_free_or_abort(&err);
    g_assert_false(qapi_VersionInfo_from_json(extra, NULL, &v, &err));
    g_assert_cmpstr(error_get_pretty(err), ==,
                    "Parameter 'qemu.x' is unexpected");
    error_free_or_abort(&err);
    json_node_unref(in);
    json_node_unref(bad);
    json_node_unref(extra);
}

/* Unions: the base members, then the members of the tag's branch. */
static void test_union_conversions(void)
{
    GuestPanicInformation *info = g_new0(GuestPanicInformation, 1);
    CpuInfoFast *cpu = g_new0(CpuInfoFast, 1);
    JsonNode *n;
    char *text;

    info->type = GUEST_PANIC_INFORMATION_TYPE_HYPER_V;
    info->u.hyper_v.arg1 = 1;
    info->u.hyper_v.arg5 = UINT64_MAX;
    n = qapi_GuestPanicInformation_to_json(info);
    text = json_to_string(n, FALSE);
    g_assert_cmpstr(text, ==, "{\"type\":\"hyper-v\",\"arg1\":1,\"arg2\":0,"
                    "\"arg3\":0,\"arg4\":0,\"arg5\":1.8446744073709552e+19}");
    g_free(text);
    json_node_unref(n);
    qapi_free_GuestPanicInformation(info);

    /* A tag value without a branch has only the base members. */
    cpu->qom_path = g_strdup("/c");
    cpu->target = SYS_EMU_TARGET_S390X;
    cpu->u.s390x.cpu_state = S390_CPU_STATE_OPERATING;
    n = qapi_CpuInfoFast_to_json(cpu);
    text = json_to_string(n, FALSE);
    g_assert_cmpstr(text, ==, "{\"cpu-index\":0,\"qom-path\":\"/c\","
                    "\"thread-id\":0,\"target\":\"s390x\","
                    "\"cpu-state\":\"operating\"}");
    g_free(text);
    json_node_unref(n);
    cpu->target = SYS_EMU_TARGET_X86_64;
    n = qapi_CpuInfoFast_to_json(cpu);
    text = json_to_string(n, FALSE);
    g_assert_cmpstr(text, ==, "{\"cpu-index\":0,\"qom-path\":\"/c\","
                    "\"thread-id\":0,\"target\":\"x86_64\"}");
    g_free(text);
    json_node_unref(n);
    qapi_free_CpuInfoFast(cpu);
}

/* Lists of builtins in both directions, and their element names. */
static void test_list_conversions(void)
{
    JsonNode *in = json_from_string("[\"a\", \"b\"]", NULL);
    JsonNode *bad = json_from_string("[\"a\", 2]", NULL);
    strList *list = NULL;
    Error *err = NULL;
    JsonNode *out;
    char *text;

    g_assert_true(qapi_strList_from_json(in, "l", &list, &error_abort));
    g_assert_cmpstr(list->value, ==, "a");
    g_assert_cmpstr(list->next->value, ==, "b");
    g_assert_null(list->next->next);
    out = qapi_strList_to_json(list);
    text = json_to_string(out, FALSE);
    g_assert_cmpstr(text, ==, "[\"a\",\"b\"]");
    g_free(text);
    json_node_unref(out);
    qapi_free_strList(list);

    g_assert_false(qapi_strList_from_json(bad, "l", &list, &err));
    g_assert_cmpstr(error_get_pretty(err), ==,
                    "Invalid parameter type for 'l[1]', expected: string");
    error_free_or_abort(&err);
    json_node_unref(in);
    json_node_unref(bad);
}

static void test_qdict_order(void)
{
    JsonNode *n = json_from_string("{\"running\": true, \"singlestep\": 1, "
                                   "\"status\": [{\"seconds\": 1, "
                                   "\"microseconds\": 2}]}", NULL);
    JsonNode *o = qapi_qdict_order(n);
    g_autofree char *text = json_to_string(o, FALSE);

    g_assert_cmpstr(text, ==, "{\"status\":[{\"seconds\":1,"
                    "\"microseconds\":2}],\"singlestep\":1,"
                    "\"running\":true}");
    json_node_unref(o);
    json_node_unref(n);
}

/* ---- events ---- */

static GString *events;

static void capture_event(const char *event, JsonObject *data)
{
    g_string_append_printf(events, "%s", event);
    if (data) {
        JsonNode *n = json_node_new(JSON_NODE_OBJECT);
        g_autofree char *text = NULL;

        json_node_set_object(n, data);
        text = json_to_string(n, FALSE);
        g_string_append_printf(events, " %s", text);
        json_node_unref(n);
    }
    g_string_append_c(events, ';');
}

static void test_events(void)
{
    events = g_string_new("");
    qapi_event_send_stop();     /* no emitter: dropped */
    qapi_event_set_emitter(capture_event);
    qapi_event_send_stop();
    qapi_event_send_resume();
    qapi_event_send_powerdown();
    qapi_event_send_reset(false, SHUTDOWN_CAUSE_HOST_QMP_SYSTEM_RESET);
    qapi_event_send_shutdown(true, SHUTDOWN_CAUSE_GUEST_SHUTDOWN);
    qapi_event_send_device_deleted(true, "s0", "/machine/peripheral/s0");
    qapi_event_send_device_deleted(false, NULL, "/machine/x");
    qapi_event_set_emitter(NULL);
    qapi_event_send_stop();
    g_assert_cmpstr(events->str, ==,
                    "STOP;RESUME;POWERDOWN;"
                    "RESET {\"guest\":false,\"reason\":"
                    "\"host-qmp-system-reset\"};"
                    "SHUTDOWN {\"guest\":true,\"reason\":"
                    "\"guest-shutdown\"};"
                    "DEVICE_DELETED {\"device\":\"s0\","
                    "\"path\":\"/machine/peripheral/s0\"};"
                    "DEVICE_DELETED {\"path\":\"/machine/x\"};");
    g_string_free(events, TRUE);
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    calls = g_string_new("");
    g_test_add_func("/qapi/dispatch/request-shape", test_request_shape);
    g_test_add_func("/qapi/dispatch/negotiation", test_negotiation);
    g_test_add_func("/qapi/dispatch/oob", test_oob);
    g_test_add_func("/qapi/dispatch/arguments", test_arguments);
    g_test_add_func("/qapi/dispatch/results", test_results);
    g_test_add_func("/qapi/dispatch/query-commands", test_query_commands);
    g_test_add_func("/qapi/dispatch/query-qmp-schema",
                    test_query_qmp_schema);
    g_test_add_func("/qapi/types/enums", test_enums);
    g_test_add_func("/qapi/visit/structs", test_struct_conversions);
    g_test_add_func("/qapi/visit/unions", test_union_conversions);
    g_test_add_func("/qapi/visit/lists", test_list_conversions);
    g_test_add_func("/qapi/json/qdict-order", test_qdict_order);
    g_test_add_func("/qapi/events", test_events);
    return g_test_run();
}

/* Block-layer commands of branch blockqmp (block/ *-qmp.c). */
BlockDeviceInfoList *qmp_query_named_block_nodes(bool has_flat, bool flat,
                                                 Error **errp)
{
    return NULL;
}

XDbgBlockGraph *qmp_x_debug_query_block_graph(Error **errp)
{
    return g_new0(XDbgBlockGraph, 1);
}

void qmp_blockdev_open_tray(bool has_device, const char *device,
                            bool has_id, const char *id, bool has_force,
                            bool force, Error **errp)
{
}

void qmp_blockdev_close_tray(bool has_device, const char *device,
                             bool has_id, const char *id, Error **errp)
{
}

void qmp_blockdev_remove_medium(const char *id, Error **errp)
{
}

void qmp_blockdev_insert_medium(const char *id, const char *node_name,
                                Error **errp)
{
}

void qmp_block_set_io_throttle(
    bool has_device, const char *device, bool has_id, const char *id,
    int64_t bps, int64_t bps_rd, int64_t bps_wr, int64_t iops,
    int64_t iops_rd, int64_t iops_wr, bool has_bps_max, int64_t bps_max,
    bool has_bps_rd_max, int64_t bps_rd_max, bool has_bps_wr_max,
    int64_t bps_wr_max, bool has_iops_max, int64_t iops_max,
    bool has_iops_rd_max, int64_t iops_rd_max, bool has_iops_wr_max,
    int64_t iops_wr_max, bool has_bps_max_length, int64_t bps_max_length,
    bool has_bps_rd_max_length, int64_t bps_rd_max_length,
    bool has_bps_wr_max_length, int64_t bps_wr_max_length,
    bool has_iops_max_length, int64_t iops_max_length,
    bool has_iops_rd_max_length, int64_t iops_rd_max_length,
    bool has_iops_wr_max_length, int64_t iops_wr_max_length,
    bool has_iops_size, int64_t iops_size, bool has_group,
    const char *group, Error **errp)
{
}

void qmp_block_set_write_threshold(const char *node_name,
                                   uint64_t write_threshold, Error **errp)
{
}

void qmp_change_backing_file(const char *device, const char *image_node_name,
                             const char *backing_file, Error **errp)
{
}

void qmp_blockdev_create(JsonObject *args, JsonNode **ret, Error **errp)
{
}

void qmp_transaction(JsonObject *args, JsonNode **ret, Error **errp)
{
}

void qmp_blockdev_snapshot(const char *node, const char *overlay,
                           Error **errp)
{
}

void qmp_inject_nmi(Error **errp)
{
}

void qmp_memsave(int64_t val, int64_t size, const char *filename,
                 bool has_cpu_index, int64_t cpu_index, Error **errp)
{
}

void qmp_pmemsave(int64_t val, int64_t size, const char *filename,
                  Error **errp)
{
}

HotpluggableCPUList *qmp_query_hotpluggable_cpus(Error **errp)
{
    return NULL;
}

MemoryInfo *qmp_query_memory_size_summary(Error **errp)
{
    return g_new0(MemoryInfo, 1);
}

CurrentMachineParams *qmp_query_current_machine(Error **errp)
{
    return g_new0(CurrentMachineParams, 1);
}

void qmp_block_dirty_bitmap_add(const char *node, const char *name,
                                bool has_granularity, uint32_t granularity,
                                bool has_persistent, bool persistent,
                                bool has_disabled, bool disabled,
                                Error **errp)
{
}

void qmp_block_dirty_bitmap_remove(const char *node, const char *name,
                                   Error **errp)
{
}

void qmp_block_dirty_bitmap_clear(const char *node, const char *name,
                                  Error **errp)
{
}

void qmp_block_dirty_bitmap_enable(const char *node, const char *name,
                                   Error **errp)
{
}

void qmp_block_dirty_bitmap_disable(const char *node, const char *name,
                                    Error **errp)
{
}

void qmp_block_dirty_bitmap_merge(const char *node, const char *target,
                                  anyList *bitmaps, Error **errp)
{
}

BlockDirtyBitmapSha256 *qmp_x_debug_block_dirty_bitmap_sha256(
    const char *node, const char *name, Error **errp)
{
    return NULL;
}

CpuDefinitionInfoList *qmp_query_cpu_definitions(Error **errp)
{
    return NULL;
}

CpuModelExpansionInfo *qmp_query_cpu_model_expansion(
    CpuModelExpansionType type, CpuModelInfo *model, Error **errp)
{
    error_setg(errp, "CPU model '%s' not found", model->name);
    return NULL;
}

ChardevReturn *qmp_chardev_add(const char *id, JsonNode *backend,
                               Error **errp)
{
    return g_new0(ChardevReturn, 1);
}

void qmp_chardev_remove(const char *id, Error **errp)
{
}
