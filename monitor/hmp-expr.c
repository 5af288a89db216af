/*
 * HMP expressions (x, xp, print, memsave): 64-bit integers with
 * + - * / % & | ^ ~, parentheses, 'c' character constants and $registers
 * of the selected CPU, with QEMU's precedence (sum < product < logic <
 * unary) and QEMU's error texts.
 */
#include "qemu/osdep.h"
#include "hmp-internal.h"

typedef struct ExprState {
    Monitor *mon;
    const char *p;
    bool failed;
} ExprState;

/* A register as QEMU's x86 monitor names it ("esp|sp": aliases). */
typedef struct RegDef {
    const char *names;
    int kind;               /* REG_GPR, REG_EFLAGS, ... */
    int index;
} RegDef;

enum { REG_GPR, REG_EFLAGS, REG_EIP, REG_SEG, REG_SEG_BASE, REG_SEG_LIMIT,
       REG_PC };

static const RegDef reg_defs[] = {
    { "eax", REG_GPR, R_EAX }, { "ecx", REG_GPR, R_ECX },
    { "edx", REG_GPR, R_EDX }, { "ebx", REG_GPR, R_EBX },
    { "esp|sp", REG_GPR, R_ESP }, { "ebp|fp", REG_GPR, R_EBP },
    { "esi", REG_GPR, R_ESI }, { "edi", REG_GPR, R_EDI },
    { "r8", REG_GPR, R_R8 }, { "r9", REG_GPR, R_R9 },
    { "r10", REG_GPR, R_R10 }, { "r11", REG_GPR, R_R11 },
    { "r12", REG_GPR, R_R12 }, { "r13", REG_GPR, R_R13 },
    { "r14", REG_GPR, R_R14 }, { "r15", REG_GPR, R_R15 },
    { "eflags", REG_EFLAGS, 0 }, { "eip", REG_EIP, 0 },
    { "cs", REG_SEG, R_CS }, { "cs.base", REG_SEG_BASE, R_CS },
    { "cs.limit", REG_SEG_LIMIT, R_CS },
    { "ds", REG_SEG, R_DS }, { "ds.base", REG_SEG_BASE, R_DS },
    { "ds.limit", REG_SEG_LIMIT, R_DS },
    { "es", REG_SEG, R_ES }, { "es.base", REG_SEG_BASE, R_ES },
    { "es.limit", REG_SEG_LIMIT, R_ES },
    { "ss", REG_SEG, R_SS }, { "ss.base", REG_SEG_BASE, R_SS },
    { "ss.limit", REG_SEG_LIMIT, R_SS },
    { "fs", REG_SEG, R_FS }, { "fs.base", REG_SEG_BASE, R_FS },
    { "fs.limit", REG_SEG_LIMIT, R_FS },
    { "gs", REG_SEG, R_GS }, { "gs.base", REG_SEG_BASE, R_GS },
    { "gs.limit", REG_SEG_LIMIT, R_GS },
    { "pc", REG_PC, 0 },
};

static bool reg_name_matches(const char *name, const char *names)
{
    g_auto(GStrv) alts = g_strsplit(names, "|", -1);

    for (int i = 0; alts[i]; i++) {
        if (!strcmp(alts[i], name)) {
            return true;
        }
    }
    return false;
}

static bool get_register(Monitor *mon, const char *name, int64_t *val)
{
    X86CPU *cpu;
    CPUX86State *env;

    for (size_t i = 0; i < ARRAY_SIZE(reg_defs); i++) {
        const RegDef *r = &reg_defs[i];

        if (!reg_name_matches(name, r->names)) {
            continue;
        }
        cpu = hmp_get_cpu(mon);
        if (!cpu) {
            return false;
        }
        env = &cpu->env;
        switch (r->kind) {
        case REG_GPR:
            *val = env->regs[r->index];
            break;
        case REG_EFLAGS:
            *val = env->eflags;
            break;
        case REG_EIP:
            *val = env->rip;
            break;
        case REG_SEG:
            /* QEMU reads the 32-bit fields as int32_t. */
            *val = (int32_t)env->segs[r->index].selector;
            break;
        case REG_SEG_BASE:
            *val = env->segs[r->index].base;
            break;
        case REG_SEG_LIMIT:
            *val = (int32_t)env->segs[r->index].limit;
            break;
        case REG_PC:
            *val = env->rip + env->segs[R_CS].base;
            break;
        }
        return true;
    }
    return false;
}

static void G_GNUC_PRINTF(2, 3) expr_error(ExprState *s, const char *fmt,
                                           ...)
{
    va_list ap;

    if (s->failed) {
        return;
    }
    va_start(ap, fmt);
    monitor_vprintf(s->mon, fmt, ap);
    va_end(ap);
    monitor_printf(s->mon, "\n");
    s->failed = true;
}

static void next(ExprState *s)
{
    if (*s->p != '\0') {
        s->p++;
        while (g_ascii_isspace(*s->p)) {
            s->p++;
        }
    }
}

static int64_t expr_sum(ExprState *s);

static int64_t expr_unary(ExprState *s)
{
    int64_t n = 0;
    char *end;

    if (s->failed) {
        return 0;
    }
    switch (*s->p) {
    case '+':
        next(s);
        return expr_unary(s);
    case '-':
        next(s);
        return -(uint64_t)expr_unary(s);
    case '~':
        next(s);
        return ~expr_unary(s);
    case '(':
        next(s);
        n = expr_sum(s);
        if (*s->p != ')') {
            expr_error(s, "')' expected");
            return 0;
        }
        next(s);
        return n;
    case '\'':
        s->p++;
        if (*s->p == '\0') {
            expr_error(s, "character constant expected");
            return 0;
        }
        n = (unsigned char)*s->p++;
        if (*s->p != '\'') {
            expr_error(s, "missing terminating ' character");
            return 0;
        }
        next(s);
        return n;
    case '$': {
        GString *name = g_string_new(NULL);
        bool ok;

        s->p++;
        while (g_ascii_isalnum(*s->p) || *s->p == '_' || *s->p == '.') {
            if (name->len < 127) {
                g_string_append_c(name, *s->p);
            }
            s->p++;
        }
        while (g_ascii_isspace(*s->p)) {
            s->p++;
        }
        ok = get_register(s->mon, name->str, &n);
        g_string_free(name, TRUE);
        if (!ok) {
            expr_error(s, "unknown register");
            return 0;
        }
        return n;
    }
    case '\0':
        expr_error(s, "unexpected end of expression");
        return 0;
    default:
        errno = 0;
        n = strtoull(s->p, &end, 0);
        if (errno == ERANGE) {
            expr_error(s, "number too large");
            return 0;
        }
        if (end == s->p) {
            expr_error(s, "invalid char '%c' in expression", *s->p);
            return 0;
        }
        s->p = end;
        while (g_ascii_isspace(*s->p)) {
            s->p++;
        }
        return n;
    }
}

static int64_t expr_logic(ExprState *s)
{
    int64_t val = expr_unary(s);

    while (!s->failed && (*s->p == '&' || *s->p == '|' || *s->p == '^')) {
        int op = *s->p;
        int64_t val2;

        next(s);
        val2 = expr_unary(s);
        if (op == '&') {
            val &= val2;
        } else if (op == '|') {
            val |= val2;
        } else {
            val ^= val2;
        }
    }
    return val;
}

static int64_t expr_prod(ExprState *s)
{
    int64_t val = expr_logic(s);

    while (!s->failed && (*s->p == '*' || *s->p == '/' || *s->p == '%')) {
        int op = *s->p;
        int64_t val2;

        next(s);
        val2 = expr_logic(s);
        if (s->failed) {
            break;
        }
        if (op == '*') {
            val = (uint64_t)val * (uint64_t)val2;
        } else if (val2 == 0) {
            expr_error(s, "division by zero");
        } else if (val2 == -1) {
            /* INT64_MIN / -1 would trap on the host. */
            val = op == '/' ? -(uint64_t)val : 0;
        } else {
            val = op == '/' ? val / val2 : val % val2;
        }
    }
    return val;
}

static int64_t expr_sum(ExprState *s)
{
    int64_t val = expr_prod(s);

    while (!s->failed && (*s->p == '+' || *s->p == '-')) {
        int op = *s->p;
        int64_t val2;

        next(s);
        val2 = expr_prod(s);
        val = op == '+' ? (uint64_t)val + (uint64_t)val2
                        : (uint64_t)val - (uint64_t)val2;
    }
    return val;
}

bool hmp_get_expr(Monitor *mon, int64_t *pval, const char **pp)
{
    ExprState s = { .mon = mon, .p = *pp };
    int64_t val;

    while (g_ascii_isspace(*s.p)) {
        s.p++;
    }
    val = expr_sum(&s);
    *pp = s.p;
    if (s.failed) {
        return false;
    }
    *pval = val;
    return true;
}
