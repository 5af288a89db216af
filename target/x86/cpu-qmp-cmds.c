/*
 * query-cpu-definitions and query-cpu-model-expansion: the "-cpu help"
 * models with what the running accelerator cannot provide, and a model
 * (plus properties) expanded to its CPUID identity and feature flags.
 * Expansion lists the feature words kemu models (leaves 1, 7.0 and
 * 0x80000001) and the identity properties, not QEMU's VMX/Hyper-V knobs.
 */
#include "qemu/osdep.h"
#include "qapi/qapi-commands.h"
#include "accel/accel.h"
#include "target/x86/cpu.h"
#include "cpu-internal.h"

static strList **str_append(strList **tail, const char *s)
{
    *tail = g_new0(strList, 1);
    (*tail)->value = g_strdup(s);
    return &(*tail)->next;
}

/* Named bits of @m minus those in @kept, in QEMU's feature-word order. */
static strList *missing_features(X86CPUModel *m, X86CPUModel *kept)
{
    strList *head = NULL, **tail = &head;
    int w, bit;

    for (w = 0; w < X86_FW_COUNT; w++) {
        uint32_t lost = *x86_model_feature_word(m, w) &
                        ~*x86_model_feature_word(kept, w);

        for (bit = 0; bit < 32; bit++) {
            const char *name = x86_feature_name(w, bit);

            if ((lost & (1u << bit)) && name) {
                tail = str_append(tail, name);
            }
        }
    }
    return head;
}

static strList *unavailable_features(const char *name)
{
    const AccelOps *accel = current_accel();
    X86CPUModel m, kept;

    x86_cpu_model_resolve(name, &m);
    if (strcmp(m.name, "host") == 0 && !kvm_enabled()) {
        strList *l = NULL;

        /* QEMU names the missing accelerator as the missing feature. */
        str_append(&l, "kvm");
        return l;
    }
    kept = m;
    if (accel && accel->filter_cpu_model) {
        accel->filter_cpu_model(&kept, true);
    }
    return missing_features(&m, &kept);
}

CpuDefinitionInfoList *qmp_query_cpu_definitions(Error **errp)
{
    CpuDefinitionInfoList *head = NULL, **tail = &head;
    const char *name;
    char *alias_of;
    size_t i;

    for (i = 0; (name = x86_cpu_model_nth(i, &alias_of)); i++) {
        CpuDefinitionInfo *d = g_new0(CpuDefinitionInfo, 1);
        bool accel_defined = !strcmp(name, "host") || !strcmp(name, "max");

        d->name = g_strdup(name);
        d->typename = g_strconcat(name, "-x86_64-cpu", NULL);
        d->has_unavailable_features = true;
        d->unavailable_features = unavailable_features(name);
        d->has_alias_of = alias_of != NULL;
        d->alias_of = alias_of;
        d->q_static = strcmp(name, "base") == 0;
        d->has_migration_safe = true;
        d->migration_safe = !accel_defined;
        *tail = g_new0(CpuDefinitionInfoList, 1);
        (*tail)->value = d;
        tail = &(*tail)->next;
    }
    return head;
}

/* The JSON type QEMU's property @key takes: "boolean", "integer"... */
static const char *prop_json_type(const char *key)
{
    static const char *const numbers[] = {
        "family", "model", "stepping", "level", "xlevel", "phys-bits",
    };
    size_t i;

    for (i = 0; i < ARRAY_SIZE(numbers); i++) {
        if (strcmp(key, numbers[i]) == 0) {
            return "integer";
        }
    }
    if (strcmp(key, "vendor") == 0 || strcmp(key, "model-id") == 0) {
        return "string";
    }
    return "boolean";   /* features and the on/off knobs */
}

/* One "key=value" of a -cpu string from a JSON property value. */
static bool prop_to_opt(GString *opt, const char *key, JsonNode *v,
                        Error **errp)
{
    GType t = JSON_NODE_HOLDS_VALUE(v) ? json_node_get_value_type(v) : 0;
    const char *want = prop_json_type(key);

    g_string_append_printf(opt, ",%s=", key);
    if (t == G_TYPE_BOOLEAN && !strcmp(want, "boolean")) {
        g_string_append(opt, json_node_get_boolean(v) ? "on" : "off");
    } else if (t == G_TYPE_INT64 && !strcmp(want, "integer")) {
        g_string_append_printf(opt, "%" PRId64, json_node_get_int(v));
    } else if (t == G_TYPE_STRING && !strcmp(want, "string")) {
        /* A "," would split the -cpu string: the caller sets model-id. */
        g_string_append(opt, strchr(json_node_get_string(v), ',') ? "x"
                             : json_node_get_string(v));
    } else {
        error_setg(errp, "Invalid parameter type for '%s', expected: %s",
                   key, want);
        return false;
    }
    return true;
}

static void add_model_props(JsonObject *o, X86CPUModel *m, bool full)
{
    int w, bit;

    for (w = 0; w < X86_FW_COUNT; w++) {
        for (bit = 0; bit < 32; bit++) {
            const char *name = x86_feature_name(w, bit);

            if (name) {
                json_object_set_boolean_member(o, name,
                    *x86_model_feature_word(m, w) & (1u << bit));
            }
        }
    }
    json_object_set_int_member(o, "family", m->family);
    json_object_set_int_member(o, "model", m->model);
    json_object_set_int_member(o, "stepping", m->stepping);
    json_object_set_string_member(o, "vendor", m->vendor);
    json_object_set_string_member(o, "model-id", m->model_id);
    json_object_set_int_member(o, "min-level", m->level);
    json_object_set_int_member(o, "min-xlevel", m->xlevel);
    if (full) {
        json_object_set_int_member(o, "level", m->level);
        json_object_set_int_member(o, "xlevel", m->xlevel);
    }
}

/* The model's props; QEMU 7.2 ignores props that are not an object. */
static JsonObject *model_props(CpuModelInfo *model)
{
    if (!model->has_props || !JSON_NODE_HOLDS_OBJECT(model->props)) {
        return NULL;
    }
    return json_node_get_object(model->props);
}

/* Fill @scratch's model from @model as "-cpu NAME,prop=value,..." does. */
static bool expand_model(X86CPU *scratch, CpuModelInfo *model, Error **errp)
{
    g_autoptr(GString) opt = g_string_new(model->name);
    JsonObject *in = model_props(model);
    g_autoptr(GList) keys = in ? json_object_get_members(in) : NULL;
    Error *err = NULL;
    GList *k;

    for (k = keys; k; k = k->next) {
        if (!prop_to_opt(opt, k->data, json_object_get_member(in, k->data),
                         errp)) {
            return false;
        }
    }
    if (!x86_cpu_apply_model(scratch, opt->str, &err)) {
        const char *msg = error_get_pretty(err);
        const char *colon = strstr(msg, ": ");

        /* -cpu says "can't apply global T.p=v: ..."; QMP says the rest. */
        if (g_str_has_prefix(msg, "can't apply global ") && colon) {
            msg = colon + 2;
        }
        error_setg(errp, "%s", msg);
        error_free(err);
        return false;
    }
    if (in && json_object_has_member(in, "model-id")) {
        scratch->model.model_id = g_intern_string(
            json_object_get_string_member(in, "model-id"));
    }
    return true;
}

CpuModelExpansionInfo *qmp_query_cpu_model_expansion(
    CpuModelExpansionType type, CpuModelInfo *model, Error **errp)
{
    /* Plain data, never realized: apply_model only fills model fields. */
    g_autofree X86CPU *scratch = g_new0(X86CPU, 1);
    CpuModelExpansionInfo *info;
    CpuModelInfo *out;
    JsonObject *props;
    bool ok;

    if (!x86_cpu_model_find(model->name)) {
        error_setg(errp, "CPU model '%s' not found", model->name);
        return NULL;
    }
    ok = expand_model(scratch, model, errp);
    g_free(scratch->model_name);
    if (!ok) {
        return NULL;
    }
    if (!strcmp(scratch->model.name, "host") ||
        !strcmp(scratch->model.name, "max")) {
        /* Defined by the accelerator: what it fills in at realize. */
        const AccelOps *accel = current_accel();

        if (accel && accel->filter_cpu_model) {
            accel->filter_cpu_model(&scratch->model, true);
        }
    }
    props = json_object_new();
    add_model_props(props, &scratch->model,
                    type == CPU_MODEL_EXPANSION_TYPE_FULL);
    out = g_new0(CpuModelInfo, 1);
    out->name = g_strdup(type == CPU_MODEL_EXPANSION_TYPE_STATIC ? "base"
                                                                 : model->name);
    out->has_props = true;
    out->props = json_node_init_object(json_node_alloc(), props);
    json_object_unref(props);
    info = g_new0(CpuModelExpansionInfo, 1);
    info->model = out;
    return info;
}
