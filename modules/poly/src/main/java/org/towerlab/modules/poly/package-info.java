/**
 * Poly-encoders: Humeau, Shuster, Lachaux and Weston, "Poly-encoders: Architectures and
 * Pre-training Strategies for Fast and Accurate Multi-sentence Scoring", ICLR 2020 (arXiv
 * 1905.01969); official code ParlAI {@code parlai/agents/transformer/polyencoder.py}.
 *
 * <p>What differs from the baseline ({@code mlp} towers, {@code dot}/{@code cosine}): the query
 * side ({@link org.towerlab.modules.poly.PolyTower}) keeps one output per context token (its fields
 * and each element of its behaviour sequence, padding masked) and m learned codes attend over them,
 * giving m context vectors instead of one; {@link org.towerlab.modules.poly.PolyInteraction} lets
 * each candidate's vector attend over those m vectors and scores the candidate against the context
 * vector it built. The candidate side is any tower (the baseline {@code mlp}) and stays
 * precomputable; the price is m dot products and a softmax per pair instead of one dot product.
 * With m = 1 the model is a bi-encoder whose query vector is an attention pooling of its tokens.
 */
package org.towerlab.modules.poly;
