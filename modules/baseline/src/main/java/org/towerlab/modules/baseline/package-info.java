/**
 * The baselines every paper module is compared with and mixes with: embedding + MLP towers (an
 * ID-only pair is matrix factorization), the {@code dot} and {@code cosine} (L2-normalized, with
 * temperature; Yi et al., "Sampling-Bias-Corrected Neural Modeling for Large Corpus Item
 * Recommendations", RecSys 2019) interactions, the {@code in-batch}, {@code uniform},
 * {@code popularity} and {@code mixed} (Yang et al., "Mixed Negative Sampling for Learning
 * Two-tower Neural Networks in Recommendations", WWW 2020) samplers, the {@code sampled-softmax}
 * (logQ correction, accidental-hit masking), {@code bce} and {@code bpr} (Rendle et al., UAI 2009)
 * losses, the {@code two-tower} model and the {@code most-popular} floor.
 */
package org.towerlab.modules.baseline;
