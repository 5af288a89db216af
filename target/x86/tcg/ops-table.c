/*
 * Opcode tables of the decoder: one slot per opcode of the one-byte map
 * (x86_op1) and the 0F map (x86_op2) with the handler and the decode flags
 * (ModRM, operand-size rules, immediate kind, block end).  Empty slots
 * decode as #UD.  x87 (D8-DF) and MMX/SSE slots point at x86_op_invalid
 * with the right ModRM/immediate shape so they can be filled in later.
 */
#include "target/x86/tcg/ops.h"
#include "target/x86/tcg/ops-handlers.h"

#define M OPF_MODRM
#define B OPF_BYTE
#define D64 OPF_D64
#define F64 OPF_F64
#define END OPF_END
#define NO64 OPF_NO64
#define IB OPF_IMM(IMM_B)
#define IW OPF_IMM(IMM_W)
#define IZ OPF_IMM(IMM_Z)
#define IV OPF_IMM(IMM_V)

#define ALU(base) \
    [base + 0] = { op_alu, M | B }, \
    [base + 1] = { op_alu, M }, \
    [base + 2] = { op_alu, M | B }, \
    [base + 3] = { op_alu, M }, \
    [base + 4] = { op_alu, B | IB }, \
    [base + 5] = { op_alu, IZ }

#define INV(flags) { x86_op_invalid, flags }

const X86OpDesc x86_op1[256] = {
    ALU(0x00), ALU(0x08), ALU(0x10), ALU(0x18),
    ALU(0x20), ALU(0x28), ALU(0x30), ALU(0x38),
    [0x06] = { op_push_seg, NO64 },
    [0x07] = { op_pop_seg, NO64 | END },
    [0x0e] = { op_push_seg, NO64 },
    [0x16] = { op_push_seg, NO64 },
    [0x17] = { op_pop_seg, NO64 | END },
    [0x1e] = { op_push_seg, NO64 },
    [0x1f] = { op_pop_seg, NO64 | END },
    [0x27] = { op_bcd, NO64 },
    [0x2f] = { op_bcd, NO64 },
    [0x37] = { op_bcd, NO64 },
    [0x3f] = { op_bcd, NO64 },
    [0x40 ... 0x4f] = { op_incdec_r, NO64 },
    [0x50 ... 0x57] = { op_push_r, D64 },
    [0x58 ... 0x5f] = { op_pop_r, D64 },
    [0x60] = { op_pusha, NO64 },
    [0x61] = { op_popa, NO64 },
    [0x62] = { op_bound, M | NO64 },
    [0x63] = { op_movsxd, M },
    [0x68] = { op_push_imm, D64 | IZ },
    [0x69] = { op_imul, M | IZ },
    [0x6a] = { op_push_imm, D64 | IB },
    [0x6b] = { op_imul, M | IB },
    [0x6c] = { op_string, B },
    [0x6d] = { op_string, 0 },
    [0x6e] = { op_string, B },
    [0x6f] = { op_string, 0 },
    [0x70 ... 0x7f] = { op_jcc, F64 | IB | END },
    [0x80] = { op_grp1, M | B | IB },
    [0x81] = { op_grp1, M | IZ },
    [0x82] = { op_grp1, M | B | IB | NO64 },
    [0x83] = { op_grp1, M | IB },
    [0x84] = { op_test, M | B },
    [0x85] = { op_test, M },
    [0x86] = { op_xchg, M | B },
    [0x87] = { op_xchg, M },
    [0x88] = { op_mov, M | B },
    [0x89] = { op_mov, M },
    [0x8a] = { op_mov, M | B },
    [0x8b] = { op_mov, M },
    [0x8c] = { op_mov_from_seg, M },
    [0x8d] = { op_lea, M },
    [0x8e] = { op_mov_to_seg, M | END },
    [0x8f] = { op_pop_rm, M | D64 },
    [0x90 ... 0x97] = { op_xchg_ax, 0 },
    [0x98] = { op_cbw, 0 },
    [0x99] = { op_cwd, 0 },
    [0x9a] = { op_far_imm, NO64 | OPF_IMM(IMM_FAR) | END },
    [0x9b] = { op_nop, 0 },                 /* FWAIT: no x87 exceptions yet */
    [0x9c] = { op_pushf, D64 },
    [0x9d] = { op_popf, D64 | END },
    [0x9e] = { op_sahf, 0 },
    [0x9f] = { op_sahf, 0 },
    [0xa0] = { op_mov_moffs, B | OPF_IMM(IMM_MOFFS) },
    [0xa1] = { op_mov_moffs, OPF_IMM(IMM_MOFFS) },
    [0xa2] = { op_mov_moffs, B | OPF_IMM(IMM_MOFFS) },
    [0xa3] = { op_mov_moffs, OPF_IMM(IMM_MOFFS) },
    [0xa4] = { op_string, B },
    [0xa5] = { op_string, 0 },
    [0xa6] = { op_string, B },
    [0xa7] = { op_string, 0 },
    [0xa8] = { op_test, B | IB },
    [0xa9] = { op_test, IZ },
    [0xaa] = { op_string, B },
    [0xab] = { op_string, 0 },
    [0xac] = { op_string, B },
    [0xad] = { op_string, 0 },
    [0xae] = { op_string, B },
    [0xaf] = { op_string, 0 },
    [0xb0 ... 0xb7] = { op_mov_r_imm, B | IB },
    [0xb8 ... 0xbf] = { op_mov_r_imm, IV },
    [0xc0] = { op_grp2, M | B | IB },
    [0xc1] = { op_grp2, M | IB },
    [0xc2] = { op_ret, F64 | IW | END },
    [0xc3] = { op_ret, F64 | END },
    [0xc4] = { op_lxs, M | NO64 | END },
    [0xc5] = { op_lxs, M | NO64 | END },
    [0xc6] = { op_mov_rm_imm, M | B | IB },
    [0xc7] = { op_mov_rm_imm, M | IZ },
    [0xc8] = { op_enter, D64 | OPF_IMM(IMM_ENTER) },
    [0xc9] = { op_leave, D64 },
    [0xca] = { op_retf, IW | END },
    [0xcb] = { op_retf, END },
    [0xcc] = { op_int, END },
    [0xcd] = { op_int, IB | END },
    [0xce] = { op_int, NO64 | END },
    [0xcf] = { op_iret, END },
    [0xd0] = { op_grp2, M | B },
    [0xd1] = { op_grp2, M },
    [0xd2] = { op_grp2, M | B },
    [0xd3] = { op_grp2, M },
    [0xd4] = { op_bcd, NO64 | IB },
    [0xd5] = { op_bcd, NO64 | IB },
    [0xd7] = { op_xlat, 0 },
    /* x87 escapes */
    [0xd8 ... 0xdf] = INV(M),
    [0xe0 ... 0xe3] = { op_loop, F64 | IB | END },
    [0xe4] = { op_inout, B | IB },
    [0xe5] = { op_inout, IB },
    [0xe6] = { op_inout, B | IB },
    [0xe7] = { op_inout, IB },
    [0xe8] = { op_call, F64 | IZ | END },
    [0xe9] = { op_jmp, F64 | IZ | END },
    [0xea] = { op_far_imm, NO64 | OPF_IMM(IMM_FAR) | END },
    [0xeb] = { op_jmp, F64 | IB | END },
    [0xec] = { op_inout, B },
    [0xed] = { op_inout, 0 },
    [0xee] = { op_inout, B },
    [0xef] = { op_inout, 0 },
    [0xf1] = { op_int, END },
    [0xf4] = { op_hlt, END },
    [0xf5] = { op_carry, 0 },
    [0xf6] = { op_grp3, M | B | OPF_IMM(IMM_GRP3) },
    [0xf7] = { op_grp3, M | OPF_IMM(IMM_GRP3) },
    [0xf8] = { op_carry, 0 },
    [0xf9] = { op_carry, 0 },
    [0xfa] = { op_cli_sti, 0 },
    [0xfb] = { op_cli_sti, END },
    [0xfc] = { op_dir, 0 },
    [0xfd] = { op_dir, 0 },
    [0xfe] = { op_incdec_rm, M | B },
    [0xff] = { op_grp5, M | END },
};

const X86OpDesc x86_op2[256] = {
    [0x00] = { op_grp6, M | END },
    [0x01] = { op_grp7, M | END },
    [0x02] = { op_lar_lsl, M },
    [0x03] = { op_lar_lsl, M },
    [0x05] = { op_sysfast, END },
    [0x06] = { op_clts, END },
    [0x07] = { op_sysfast, END },
    [0x08] = { op_invd, 0 },
    [0x09] = { op_invd, 0 },
    [0x0b] = { op_ud, END },
    [0x0d] = { op_nop, M },                 /* PREFETCH/PREFETCHW */
    /* SSE moves */
    [0x10 ... 0x17] = INV(M),
    [0x18 ... 0x1f] = { op_nop, M },        /* prefetch hints, NOP Ev */
    [0x20 ... 0x23] = { op_mov_cr, M | F64 },
    [0x28 ... 0x2f] = INV(M),
    [0x30] = { op_msr, 0 },
    [0x31] = { op_rdtsc, 0 },
    [0x32] = { op_msr, 0 },
    [0x34] = { op_sysfast, END },
    [0x35] = { op_sysfast, END },
    [0x40 ... 0x4f] = { op_cmov, M },
    /* SSE/MMX */
    [0x50 ... 0x6f] = INV(M),
    [0x70] = INV(M | IB),
    [0x71 ... 0x73] = INV(M | IB),
    [0x74 ... 0x76] = INV(M),
    [0x77] = INV(0),                        /* EMMS */
    [0x78 ... 0x7f] = INV(M),
    [0x80 ... 0x8f] = { op_jcc, F64 | IZ | END },
    [0x90 ... 0x9f] = { op_setcc, M | B },
    [0xa0] = { op_push_seg, D64 },
    [0xa1] = { op_pop_seg, D64 | END },
    [0xa2] = { op_cpuid, 0 },
    [0xa3] = { op_bt, M },
    [0xa4] = { op_shld, M | IB },
    [0xa5] = { op_shld, M },
    [0xa8] = { op_push_seg, D64 },
    [0xa9] = { op_pop_seg, D64 | END },
    [0xab] = { op_bt, M },
    [0xac] = { op_shld, M | IB },
    [0xad] = { op_shld, M },
    [0xae] = { op_grp15, M },
    [0xaf] = { op_imul, M },
    [0xb0] = { op_cmpxchg, M | B },
    [0xb1] = { op_cmpxchg, M },
    [0xb2] = { op_lxs, M | END },
    [0xb3] = { op_bt, M },
    [0xb4] = { op_lxs, M | END },
    [0xb5] = { op_lxs, M | END },
    [0xb6] = { op_movx, M },
    [0xb7] = { op_movx, M },
    [0xb8] = INV(M),                        /* POPCNT: not in qemu64 */
    [0xb9] = { op_ud, M | END },            /* UD1 */
    [0xba] = { op_grp8, M | IB },
    [0xbb] = { op_bt, M },
    [0xbc] = { op_bsf, M },
    [0xbd] = { op_bsf, M },
    [0xbe] = { op_movx, M },
    [0xbf] = { op_movx, M },
    [0xc0] = { op_xadd, M | B },
    [0xc1] = { op_xadd, M },
    [0xc2] = INV(M | IB),
    [0xc3] = { op_movnti, M },
    [0xc4 ... 0xc6] = INV(M | IB),
    [0xc7] = { op_grp9, M },
    [0xc8 ... 0xcf] = { op_bswap, 0 },
    [0xd0 ... 0xfe] = INV(M),
    [0xff] = { op_ud, M | END },            /* UD0 */
};
