/**
 * Embedding-based retrieval as in Huang, Sharma, Sun, Xia, Zhang, Pronin, Padmanabhan, Ottaviano
 * and Yang, "Embedding-based Retrieval in Facebook Search", KDD 2020 (arXiv 2006.11632).
 *
 * <p>EBR keeps the baseline's unified two-tower model and cosine similarity and changes how it is
 * trained: a triplet hinge loss on the cosine distance ({@code hinge}, with the baseline
 * {@code cosine} interaction at temperature 1) instead of the sampled softmax, and harder
 * negatives: {@code ebr-online-hard} picks each query's k (at most 2) highest-scoring other
 * positives of the batch, where the baseline {@code in-batch} sampler uses all of them;
 * {@code ebr-offline-hard} draws negatives from ranks 101-500 of a previous model's full-corpus
 * ranking (the current model re-ranked every few epochs, or an earlier run's exported embeddings),
 * mixed 100:1 with uniform easy negatives and never a known positive. The optional
 * {@code ebr-weighted-concat} interaction is EBR's weighted-concatenation embedding ensemble.
 * Towers, the default interaction and evaluation are the baseline's. See {@code docs/methods/ebr.md}.
 */
package org.towerlab.modules.ebr;
