// The field interface that circom's generated witness code (`circom --c`) calls: an element is a
// tagged 40-byte value (a small signed int, or 4 limbs in normal or Montgomery form), and every
// Fr_* function follows circom's semantics for BN254's scalar field. Written for this project on
// top of prover/native/src/field.hpp: no GMP, no nasm.
#pragma once
#include <cstdint>

typedef unsigned int uint;

#define Fr_N64 4
#define Fr_SHORT 0x00000000
#define Fr_SHORTMONTGOMERY 0x40000000
#define Fr_LONG 0x80000000
#define Fr_LONGMONTGOMERY 0xC0000000

typedef uint64_t FrRawElement[Fr_N64];
typedef struct __attribute__((__packed__)) {
  int32_t shortVal;
  uint32_t type;
  FrRawElement longVal;
} FrElement;
typedef FrElement* PFrElement;

extern FrElement Fr_q;

void Fr_copy(PFrElement r, const FrElement* a);
void Fr_copyn(PFrElement r, const FrElement* a, int n);
void Fr_add(PFrElement r, PFrElement a, PFrElement b);
void Fr_sub(PFrElement r, PFrElement a, PFrElement b);
void Fr_neg(PFrElement r, PFrElement a);
void Fr_mul(PFrElement r, PFrElement a, PFrElement b);
void Fr_square(PFrElement r, PFrElement a);
void Fr_div(PFrElement r, PFrElement a, PFrElement b);
void Fr_inv(PFrElement r, PFrElement a);
void Fr_idiv(PFrElement r, PFrElement a, PFrElement b);
void Fr_mod(PFrElement r, PFrElement a, PFrElement b);
void Fr_pow(PFrElement r, PFrElement a, PFrElement b);
void Fr_band(PFrElement r, PFrElement a, PFrElement b);
void Fr_bor(PFrElement r, PFrElement a, PFrElement b);
void Fr_bxor(PFrElement r, PFrElement a, PFrElement b);
void Fr_bnot(PFrElement r, PFrElement a);
void Fr_shl(PFrElement r, PFrElement a, PFrElement b);
void Fr_shr(PFrElement r, PFrElement a, PFrElement b);
void Fr_eq(PFrElement r, PFrElement a, PFrElement b);
void Fr_neq(PFrElement r, PFrElement a, PFrElement b);
void Fr_lt(PFrElement r, PFrElement a, PFrElement b);
void Fr_gt(PFrElement r, PFrElement a, PFrElement b);
void Fr_leq(PFrElement r, PFrElement a, PFrElement b);
void Fr_geq(PFrElement r, PFrElement a, PFrElement b);
void Fr_land(PFrElement r, PFrElement a, PFrElement b);
void Fr_lor(PFrElement r, PFrElement a, PFrElement b);
void Fr_lnot(PFrElement r, PFrElement a);
void Fr_toNormal(PFrElement r, PFrElement a);
void Fr_toLongNormal(PFrElement r, PFrElement a);
void Fr_toMontgomery(PFrElement r, PFrElement a);
int Fr_isTrue(PFrElement a);
int Fr_toInt(PFrElement a);
void Fr_fail();

// Parses an unsigned integer in base 2, 8, 10 or 16 (an optional leading '-' negates) and reduces it
// mod p. False on a bad digit.
bool Fr_str2element(PFrElement r, const char* s, uint base);
// Decimal string of the canonical value in [0, p); the caller frees it with delete[].
char* Fr_element2str(PFrElement a);
