// Montgomery product for 4-limb moduli below 2^254 with BMI2/ADX (mulx + two carry chains adcx/adox).
// Five accumulator registers rotate: after each reduction step the low word is zero and becomes the
// next step's top word. The sum is < 2p; one conditional subtraction (cmov) makes it < p.
#pragma once
#include <cstdint>

namespace zk {

// may_alias: the product reads and writes Fp objects through this type (strict aliasing would let g++
// move their stores past the asm).
struct __attribute__((may_alias)) Limbs4 {
  uint64_t v[4];
};

#define ZK_MADD_ROW(SRC, T0, T1, T2, T3, T4)                                   \
  "mulxq 0(" SRC "), %%r13, %%r14\n\t adoxq %%r13, " T0 "\n\t adcxq %%r14, " T1 "\n\t" \
  "mulxq 8(" SRC "), %%r13, %%r14\n\t adoxq %%r13, " T1 "\n\t adcxq %%r14, " T2 "\n\t" \
  "mulxq 16(" SRC "), %%r13, %%r14\n\t adoxq %%r13, " T2 "\n\t adcxq %%r14, " T3 "\n\t" \
  "mulxq 24(" SRC "), %%r13, %%r14\n\t adoxq %%r13, " T3 "\n\t adcxq %%r14, " T4 "\n\t" \
  "adoxq %%rax, " T4 "\n\t"

#define ZK_MONT_STEP(BOFF, T0, T1, T2, T3, T4)             \
  "xorl %%eax, %%eax\n\t"                                  \
  "movq " BOFF "(%[b]), %%rdx\n\t"                         \
  ZK_MADD_ROW("%[a]", T0, T1, T2, T3, T4)                  \
  "movq " T0 ", %%rdx\n\t"                                 \
  "imulq %[inv], %%rdx\n\t"                                \
  "xorl %%eax, %%eax\n\t"                                  \
  ZK_MADD_ROW("%[p]", T0, T1, T2, T3, T4)

__attribute__((always_inline)) inline void mont_mul_adx(uint64_t* r, const uint64_t* a, const uint64_t* b, const uint64_t* p, uint64_t inv) {
  __asm__ volatile(
      "xorl %%r8d, %%r8d\n\t"
      "xorl %%r9d, %%r9d\n\t"
      "xorl %%r10d, %%r10d\n\t"
      "xorl %%r11d, %%r11d\n\t"
      "xorl %%r12d, %%r12d\n\t"
      ZK_MONT_STEP("0", "%%r8", "%%r9", "%%r10", "%%r11", "%%r12")
      ZK_MONT_STEP("8", "%%r9", "%%r10", "%%r11", "%%r12", "%%r8")
      ZK_MONT_STEP("16", "%%r10", "%%r11", "%%r12", "%%r8", "%%r9")
      ZK_MONT_STEP("24", "%%r11", "%%r12", "%%r8", "%%r9", "%%r10")
      // t - p; keep t where that borrows (t < p)
      "movq %%r12, %%rax\n\t"
      "movq %%r8, %%rdx\n\t"
      "movq %%r9, %%r13\n\t"
      "movq %%r10, %%r14\n\t"
      "subq 0(%[p]), %%rax\n\t"
      "sbbq 8(%[p]), %%rdx\n\t"
      "sbbq 16(%[p]), %%r13\n\t"
      "sbbq 24(%[p]), %%r14\n\t"
      "cmovcq %%r12, %%rax\n\t"
      "cmovcq %%r8, %%rdx\n\t"
      "cmovcq %%r9, %%r13\n\t"
      "cmovcq %%r10, %%r14\n\t"
      "movq %%rax, 0(%[r])\n\t"
      "movq %%rdx, 8(%[r])\n\t"
      "movq %%r13, 16(%[r])\n\t"
      "movq %%r14, 24(%[r])\n\t"
      // The memory operands tell the compiler exactly what is read and written, so no "memory"
      // clobber: values elsewhere may stay in registers across the product.
      : "=m"(*(Limbs4*)r)
      : [r] "r"(r), [a] "r"(a), [b] "r"(b), [p] "r"(p), [inv] "m"(inv), "m"(*(const Limbs4*)a),
        "m"(*(const Limbs4*)b), "m"(*(const Limbs4*)p)
      : "rax", "rdx", "r8", "r9", "r10", "r11", "r12", "r13", "r14", "cc");
}

#undef ZK_MONT_STEP
#undef ZK_MADD_ROW

}  // namespace zk
