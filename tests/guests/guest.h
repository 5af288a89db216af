/* Constants shared by the tiny test guests (assembly only). */
#define MB_MAGIC 0x1BADB002
#define MB_FLAGS 0x00000003         /* page-align modules, want memory info */
#define COM1 0x3f8
#define DEBUG_EXIT_PORT 0xf4
/* Value a passing guest writes to isa-debug-exit: process status 0x21 = 33. */
#define EXIT_PASS 0x10
#define EXIT_FAIL 0x11

/* Print a literal string from 32-bit code. */
#define PUTS32(str)                 \
    .pushsection .rodata;           \
    9990: .asciz str;               \
    .popsection;                    \
    push %esi;                      \
    mov $9990b, %esi;               \
    call puts32;                    \
    pop %esi

/*
 * Zero the registers multiboot leaves undefined (QEMU's boot ROMs leave
 * values there that kemu's direct entry does not): register dumps taken
 * under both, e.g. on a KVM internal error, then compare exactly.
 */
#define CLEAR_UNDEFINED_REGS        \
    xor %ecx, %ecx;                 \
    xor %edx, %edx;                 \
    xor %esi, %esi;                 \
    xor %edi, %edi;                 \
    xor %ebp, %ebp
