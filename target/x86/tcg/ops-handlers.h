/* Instruction handlers referenced by the opcode tables (ops-table.c). */
#ifndef TARGET_X86_TCG_OPS_HANDLERS_H
#define TARGET_X86_TCG_OPS_HANDLERS_H

#include "target/x86/tcg/tcg-cpu.h"

void op_alu(X86TCG *s, const TCGInsn *d);
void op_grp1(X86TCG *s, const TCGInsn *d);
void op_test(X86TCG *s, const TCGInsn *d);
void op_incdec_r(X86TCG *s, const TCGInsn *d);
void op_incdec_rm(X86TCG *s, const TCGInsn *d);
void op_grp3(X86TCG *s, const TCGInsn *d);
void op_imul(X86TCG *s, const TCGInsn *d);
void op_grp2(X86TCG *s, const TCGInsn *d);
void op_shld(X86TCG *s, const TCGInsn *d);
void op_bt(X86TCG *s, const TCGInsn *d);
void op_grp8(X86TCG *s, const TCGInsn *d);
void op_bsf(X86TCG *s, const TCGInsn *d);
void op_bswap(X86TCG *s, const TCGInsn *d);
void op_xchg(X86TCG *s, const TCGInsn *d);
void op_xchg_ax(X86TCG *s, const TCGInsn *d);
void op_xadd(X86TCG *s, const TCGInsn *d);
void op_cmpxchg(X86TCG *s, const TCGInsn *d);
void op_grp9(X86TCG *s, const TCGInsn *d);
void op_movx(X86TCG *s, const TCGInsn *d);
void op_movsxd(X86TCG *s, const TCGInsn *d);
void op_cbw(X86TCG *s, const TCGInsn *d);
void op_cwd(X86TCG *s, const TCGInsn *d);
void op_sahf(X86TCG *s, const TCGInsn *d);
void op_carry(X86TCG *s, const TCGInsn *d);
void op_dir(X86TCG *s, const TCGInsn *d);
void op_setcc(X86TCG *s, const TCGInsn *d);
void op_cmov(X86TCG *s, const TCGInsn *d);
void op_bcd(X86TCG *s, const TCGInsn *d);
void op_mov(X86TCG *s, const TCGInsn *d);
void op_mov_rm_imm(X86TCG *s, const TCGInsn *d);
void op_mov_r_imm(X86TCG *s, const TCGInsn *d);
void op_mov_moffs(X86TCG *s, const TCGInsn *d);
void op_lea(X86TCG *s, const TCGInsn *d);
void op_movnti(X86TCG *s, const TCGInsn *d);
void op_mov_from_seg(X86TCG *s, const TCGInsn *d);
void op_mov_to_seg(X86TCG *s, const TCGInsn *d);
void op_lxs(X86TCG *s, const TCGInsn *d);
void op_push_r(X86TCG *s, const TCGInsn *d);
void op_pop_r(X86TCG *s, const TCGInsn *d);
void op_push_imm(X86TCG *s, const TCGInsn *d);
void op_pop_rm(X86TCG *s, const TCGInsn *d);
void op_push_seg(X86TCG *s, const TCGInsn *d);
void op_pop_seg(X86TCG *s, const TCGInsn *d);
void op_pusha(X86TCG *s, const TCGInsn *d);
void op_popa(X86TCG *s, const TCGInsn *d);
void op_pushf(X86TCG *s, const TCGInsn *d);
void op_popf(X86TCG *s, const TCGInsn *d);
void op_enter(X86TCG *s, const TCGInsn *d);
void op_leave(X86TCG *s, const TCGInsn *d);
void op_jcc(X86TCG *s, const TCGInsn *d);
void op_jmp(X86TCG *s, const TCGInsn *d);
void op_call(X86TCG *s, const TCGInsn *d);
void op_ret(X86TCG *s, const TCGInsn *d);
void op_loop(X86TCG *s, const TCGInsn *d);
void op_grp5(X86TCG *s, const TCGInsn *d);
void op_far_imm(X86TCG *s, const TCGInsn *d);
void op_retf(X86TCG *s, const TCGInsn *d);
void op_iret(X86TCG *s, const TCGInsn *d);
void op_int(X86TCG *s, const TCGInsn *d);
void op_xlat(X86TCG *s, const TCGInsn *d);
void op_bound(X86TCG *s, const TCGInsn *d);
void op_nop(X86TCG *s, const TCGInsn *d);
void op_string(X86TCG *s, const TCGInsn *d);
void op_inout(X86TCG *s, const TCGInsn *d);
void op_ud(X86TCG *s, const TCGInsn *d);
void op_cli_sti(X86TCG *s, const TCGInsn *d);
void op_hlt(X86TCG *s, const TCGInsn *d);
void op_mov_cr(X86TCG *s, const TCGInsn *d);
void op_clts(X86TCG *s, const TCGInsn *d);
void op_invd(X86TCG *s, const TCGInsn *d);
void op_msr(X86TCG *s, const TCGInsn *d);
void op_rdtsc(X86TCG *s, const TCGInsn *d);
void op_cpuid(X86TCG *s, const TCGInsn *d);
void op_sysfast(X86TCG *s, const TCGInsn *d);
void op_lar_lsl(X86TCG *s, const TCGInsn *d);
void op_grp6(X86TCG *s, const TCGInsn *d);
void op_grp7(X86TCG *s, const TCGInsn *d);
void op_grp15(X86TCG *s, const TCGInsn *d);

#endif
