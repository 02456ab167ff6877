/* tests/unit/fpu_hostref.c: the x87 operations run on the host's x87, a
 * reference for the soft-float core's basic operations (test_softfloat.c):
 * fh_host_run has fh_run's contract; each operation loads its operands as
 * m80 images and executes the same x87 instruction under the guest's
 * precision and rounding control with host exceptions masked. x86 hosts
 * only; the emulator itself never uses it. */
#include "tests/unit/fpu_hostref.h"

#if FH_HOST_X87

#define FH_CLOBBERS "memory", "cc", "st", "st(1)", "st(2)", "st(3)",        \
		    "st(4)", "st(5)", "st(6)", "st(7)"

/* Run body with the guest's PC/RC, all host exceptions masked, the host's
 * control word restored afterwards; the stack is empty before and after. */
#define FH_ASM(body)                                                         \
	__asm__ volatile("fnstcw %[hcw]\n\tfnclex\n\tfldcw %[gcw]\n\t"       \
			 body "\n\tfldcw %[hcw]"                             \
			 : [sw] "=m"(sw), [hcw] "+m"(hcw), [r0] "=m"(*r0),  \
			   [r1] "=m"(*r1)                                    \
			 : [gcw] "m"(gcw), [a] "m"(*a), [b] "m"(*b)          \
			 : FH_CLOBBERS)

uint16_t fh_host_run(uint16_t fcw, enum fh_op op, const struct f80 *a,
		     const struct f80 *b, struct f80 *r0, struct f80 *r1)
{
	uint16_t sw = 0, hcw = 0, gcw = (uint16_t)((fcw & 0x0f00) | 0x7f);
	struct f80 d0, d1;

	if (!r0)
		r0 = &d0;
	if (!r1)
		r1 = &d1;

	switch (op) {
	/* Opcode bytes for the popping forms: AT&T mnemonics swap the
	 * direction of fsub/fdiv. DE E9 = FSUBP ST1,ST0 (ST1 -= ST0). */
	case FH_ADD: FH_ASM("fldt %[a]\n\tfldt %[b]\n\t.byte 0xde,0xc1\n\t"
			    "fnstsw %[sw]\n\tfstpt %[r0]"); break;
	case FH_SUB: FH_ASM("fldt %[a]\n\tfldt %[b]\n\t.byte 0xde,0xe9\n\t"
			    "fnstsw %[sw]\n\tfstpt %[r0]"); break;
	case FH_MUL: FH_ASM("fldt %[a]\n\tfldt %[b]\n\t.byte 0xde,0xc9\n\t"
			    "fnstsw %[sw]\n\tfstpt %[r0]"); break;
	case FH_DIV: FH_ASM("fldt %[a]\n\tfldt %[b]\n\t.byte 0xde,0xf9\n\t"
			    "fnstsw %[sw]\n\tfstpt %[r0]"); break;
#define FH_UNARY(insn) FH_ASM("fldt %[a]\n\t" insn "\n\tfnstsw %[sw]\n\t"   \
			      "fstpt %[r0]")
	case FH_SQRT: FH_UNARY("fsqrt"); break;
	case FH_RNDINT: FH_UNARY("frndint"); break;
	case FH_F2XM1: FH_UNARY("f2xm1"); break;
	case FH_SIN: FH_UNARY("fsin"); break;
	case FH_COS: FH_UNARY("fcos"); break;
#define FH_ST01(insn) FH_ASM("fldt %[b]\n\tfldt %[a]\n\t" insn "\n\t"       \
			     "fnstsw %[sw]\n\tfstpt %[r0]\n\tfstp %%st(0)")
	case FH_SCALE: FH_ST01("fscale"); break;
	case FH_PREM: FH_ST01("fprem"); break;
	case FH_PREM1: FH_ST01("fprem1"); break;
#define FH_ST10(insn) FH_ASM("fldt %[a]\n\tfldt %[b]\n\t" insn "\n\t"       \
			     "fnstsw %[sw]\n\tfstpt %[r0]")
	case FH_PATAN: FH_ST10("fpatan"); break;
	case FH_YL2X: FH_ST10("fyl2x"); break;
	case FH_YL2XP1: FH_ST10("fyl2xp1"); break;
#define FH_PUSH2(insn) FH_ASM("fldt %[a]\n\t" insn "\n\tfnstsw %[sw]\n\t"   \
			      "fstpt %[r0]\n\tfstpt %[r1]")
	case FH_XTRACT: FH_PUSH2("fxtract"); break;
	case FH_SINCOS: FH_PUSH2("fsincos"); break;
	case FH_PTAN: FH_PUSH2("fptan"); break;
	case FH_COM: FH_ASM("fldt %[b]\n\tfldt %[a]\n\tfcom %%st(1)\n\t"
			    "fnstsw %[sw]\n\tfstp %%st(0)\n\tfstp %%st(0)");
		break;
	case FH_UCOM: FH_ASM("fldt %[b]\n\tfldt %[a]\n\tfucom %%st(1)\n\t"
			     "fnstsw %[sw]\n\tfstp %%st(0)\n\tfstp %%st(0)");
		break;
	case FH_TST: FH_ASM("fldt %[a]\n\tftst\n\tfnstsw %[sw]\n\t"
			    "fstp %%st(0)"); break;
	case FH_XAM: FH_ASM("fldt %[a]\n\tfxam\n\tfnstsw %[sw]\n\t"
			    "fstp %%st(0)"); break;
#define FH_LOAD(insn) FH_ASM(insn " %[a]\n\tfnstsw %[sw]\n\tfstpt %[r0]")
	case FH_LD32: FH_LOAD("flds"); break;
	case FH_LD64: FH_LOAD("fldl"); break;
	case FH_ILD16: FH_LOAD("filds"); break;
	case FH_ILD32: FH_LOAD("fildl"); break;
	case FH_ILD64: FH_LOAD("fildll"); break;
	case FH_BLD: FH_LOAD("fbld"); break;
#define FH_STORE(insn) FH_ASM("fldt %[a]\n\t" insn " %[r0]\n\tfnstsw %[sw]")
	case FH_ST32: FH_STORE("fstps"); break;
	case FH_ST64: FH_STORE("fstpl"); break;
	case FH_IST16: FH_STORE("fistps"); break;
	case FH_IST32: FH_STORE("fistpl"); break;
	case FH_IST64: FH_STORE("fistpll"); break;
	case FH_BST: FH_STORE("fbstp"); break;
#define FH_CONST(insn) FH_ASM(insn "\n\tfnstsw %[sw]\n\tfstpt %[r0]")
	case FH_LD1: FH_CONST("fld1"); break;
	case FH_LDL2T: FH_CONST("fldl2t"); break;
	case FH_LDL2E: FH_CONST("fldl2e"); break;
	case FH_LDPI: FH_CONST("fldpi"); break;
	case FH_LDLG2: FH_CONST("fldlg2"); break;
	case FH_LDLN2: FH_CONST("fldln2"); break;
	case FH_LDZ: FH_CONST("fldz"); break;
#undef FH_UNARY
#undef FH_ST01
#undef FH_ST10
#undef FH_PUSH2
#undef FH_LOAD
#undef FH_STORE
#undef FH_CONST
	}
	return sw;
}

#undef FH_ASM
#undef FH_CLOBBERS

#endif
