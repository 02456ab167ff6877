/* cpu/fpu_num.c: fh_run, the x87 operations on the soft-float core. */
#include <stddef.h>

#include "cpu/fpu_num.h"

uint16_t fh_run(uint16_t fcw, enum fh_op op, const struct f80 *a,
		const struct f80 *b, struct f80 *r0, struct f80 *r1)
{
	struct sf_env env = sf_env_of(fcw);
	struct f80 d0, d1;

	if (!r0)
		r0 = &d0;
	if (!r1)
		r1 = &d1;
	switch (op) {
	case FH_ADD: *r0 = sf_add(&env, a, b, false); break;
	case FH_SUB: *r0 = sf_add(&env, a, b, true); break;
	case FH_MUL: *r0 = sf_mul(&env, a, b); break;
	case FH_DIV: *r0 = sf_div(&env, a, b); break;
	case FH_SQRT: *r0 = sf_sqrt(&env, a); break;
	case FH_RNDINT: *r0 = sf_rndint(&env, a); break;
	case FH_F2XM1: *r0 = sf_f2xm1(&env, a); break;
	case FH_SIN: sf_sincos(&env, a, r0, NULL); break;
	case FH_COS: sf_sincos(&env, a, NULL, r0); break;
	case FH_SCALE: *r0 = sf_scale(&env, a, b); break;
	case FH_PREM: *r0 = sf_prem(&env, a, b, false); break;
	case FH_PREM1: *r0 = sf_prem(&env, a, b, true); break;
	case FH_PATAN: *r0 = sf_patan(&env, a, b); break;
	case FH_YL2X: *r0 = sf_yl2x(&env, a, b, false); break;
	case FH_YL2XP1: *r0 = sf_yl2x(&env, a, b, true); break;
	case FH_XTRACT: sf_xtract(&env, a, r0, r1); break;
	case FH_SINCOS: sf_sincos(&env, a, r1, r0); break;
	case FH_PTAN:
		*r1 = sf_tan(&env, a);
		*r0 = sf_const(&env, 0);
		/* an invalid operand pushes a second NaN, not 1.0 */
		if ((r1->se & 0x7fff) == 0x7fff && (r1->m << 1))
			*r0 = *r1;
		break;
	case FH_COM:
	case FH_UCOM:
	case FH_TST: {
		struct f80 z = sf_zero(false);
		unsigned cc = sf_compare(&env, a, op == FH_TST ? &z : b,
					 op == FH_UCOM);
		env.sw |= cc;
		break;
	}
	case FH_XAM: env.sw = sf_xam(a); break;
	case FH_LD32: *r0 = sf_from_f32(&env, (uint32_t)a->m); break;
	case FH_LD64: *r0 = sf_from_f64(&env, a->m); break;
	case FH_ILD16: *r0 = sf_from_int((int16_t)a->m); break;
	case FH_ILD32: *r0 = sf_from_int((int32_t)a->m); break;
	case FH_ILD64: *r0 = sf_from_int((int64_t)a->m); break;
	case FH_BLD: *r0 = sf_from_bcd(a); break;
	case FH_ST32: r0->m = sf_to_f32(&env, a); break;
	case FH_ST64: r0->m = sf_to_f64(&env, a); break;
	case FH_IST16: r0->m = sf_to_int(&env, a, 16); break;
	case FH_IST32: r0->m = sf_to_int(&env, a, 32); break;
	case FH_IST64: r0->m = sf_to_int(&env, a, 64); break;
	case FH_BST: *r0 = sf_to_bcd(&env, a); break;
	case FH_LD1: case FH_LDL2T: case FH_LDL2E: case FH_LDPI:
	case FH_LDLG2: case FH_LDLN2: case FH_LDZ:
		*r0 = sf_const(&env, (unsigned)(op - FH_LD1));
		env.sw = 0;
		break;
	}
	return (uint16_t)env.sw;
}
