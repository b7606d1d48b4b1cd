package org.towerlab.modules.tarq;

import java.util.List;
import java.util.Locale;
import org.towerlab.api.config.ComponentConfig;

/**
 * Config of {@link TarqModel}. The network keys are those of {@link TargetAttentionModelConfig}
 * (they shape the student and the teacher alike); then the residual quantizer, then the teacher and
 * the distillation. Where the paper's value is unknown the default is marked [I] (our choice) in
 * {@code docs/methods/tarq.md}.
 *
 * @param sequenceField see {@link TargetAttentionModelConfig}
 * @param userFields see {@link TargetAttentionModelConfig}
 * @param itemFields see {@link TargetAttentionModelConfig}
 * @param dim see {@link TargetAttentionModelConfig}; also the codeword width
 * @param embeddingDim see {@link TargetAttentionModelConfig}
 * @param hidden see {@link TargetAttentionModelConfig}
 * @param heads see {@link TargetAttentionModelConfig}
 * @param selfAttention see {@link TargetAttentionModelConfig}
 * @param backbone see {@link TargetAttentionModelConfig} (student and teacher)
 * @param initStd see {@link TargetAttentionModelConfig}
 * @param chunk see {@link TargetAttentionModelConfig}; here the bound on gathered vectors per block
 * @param levels L, the residual quantization levels; default 3 [I]
 * @param codebookSize K, codes per level; default 64 [I]
 * @param codebookUpdate {@code gradient} (codebooks are weights, trained by the losses that reach
 *     them: the codebook term, the alignment loss, the personalized codebook) or {@code ema}
 *     (RQ-VAE's exponential moving averages, held in checkpointed buffers); default gradient
 * @param emaDecay gamma of the moving averages (and of the usage counts behind restarts); default 0.99
 * @param emaEpsilon epsilon of the Laplace smoothing of the EMA counts; default 1e-5
 * @param commitmentWeight beta of the commitment loss {@code ||q - sg(q_hat^(l))||^2}; default 0.25
 * @param commitmentReduction how the per-level commitment (and codebook) terms combine: {@code mean}
 *     over levels (RQ-VAE's code) or {@code sum} (RQ-VAE's paper); default mean
 * @param codebookWeight weight of the codebook term {@code ||sg(r_(l-1)) - C_l[z_l]||^2} (gradient
 *     codebooks only; EMA codebooks take no gradient); default 1 for gradient, 0 for ema
 * @param restartThreshold codes whose usage count (EMA of assignments) falls below this are restarted
 *     from a random residual of the batch plus noise; 0 = never; default 1 (RQ-VAE)
 * @param codebookInitStd standard deviation of the codewords' normal initialization; default 0.1
 * @param teacherWeight weight of the teacher's own loss {@code L_TA}; 0 = no teacher in this model
 *     (then rec-weight and align-weight must be 0: distill from another model with
 *     {@code trainer.type: distill}); default 1
 * @param teacherLoss {@code bce} on the pair label and the sampled candidates as 0s (the official
 *     code) or {@code softmax} over the row's pair and candidates; default bce
 * @param teacherLabel the pair label the teacher learns (0/1); default {@code positive}
 * @param recWeight weight of {@code L_rec = 1/2 ||h_tilde - sg(h_tar)||^2}; default 1 with a teacher
 * @param alignWeight {@code w_KL}, weight of the codebook alignment loss (symmetric KL); default 1 with
 *     a teacher
 * @param alignTemperature temperature of the alignment softmaxes over negative squared distances;
 *     default 1 (the official code has none)
 * @param alignEpsilon epsilon inside the alignment KL's logs as in the official code,
 *     {@code p log(p / (p_bar + eps) + eps)}; 0 = exact KL from log-softmaxes; default 1e-8
 * @param distillCandidates how many of a step's sampled candidates (besides the row's pair) the
 *     teacher and the distillation see per row, drawn at random each step; 0 = the pair only;
 *     default 32
 * @param backboneItem the item vector of the student's backbone term {@code <v_u, .>}: {@code exact}
 *     (the item query q, cached per item like the codes: the two-tower backbone beside the
 *     quantized attention term) or {@code quantized} (q_hat: the whole score then depends on the item
 *     only through its codes); default exact
 */
public record TarqModelConfig(String sequenceField, List<String> userFields, List<String> itemFields, Integer dim,
    Integer embeddingDim, List<Integer> hidden, Integer heads, Boolean selfAttention, Boolean backbone, Double initStd,
    Integer chunk, Integer levels, Integer codebookSize, String codebookUpdate, Double emaDecay, Double emaEpsilon,
    Double commitmentWeight, String commitmentReduction, Double codebookWeight, Double restartThreshold,
    Double codebookInitStd, Double teacherWeight, String teacherLoss, String teacherLabel, Double recWeight,
    Double alignWeight, Double alignTemperature, Double alignEpsilon, Integer distillCandidates, String backboneItem)
    implements ComponentConfig.Model {

  public TarqModelConfig {
    sequenceField = sequenceField == null ? "history" : sequenceField;
    userFields = userFields == null ? null : List.copyOf(userFields);
    itemFields = itemFields == null ? null : List.copyOf(itemFields);
    dim = dim == null ? 32 : dim;
    embeddingDim = embeddingDim == null ? 32 : embeddingDim;
    hidden = hidden == null ? List.of(128) : List.copyOf(hidden);
    heads = heads == null ? 2 : heads;
    selfAttention = selfAttention == null ? Boolean.TRUE : selfAttention;
    backbone = backbone == null ? Boolean.TRUE : backbone;
    initStd = initStd == null ? 0.1 : initStd;
    chunk = chunk == null ? 1 << 22 : chunk;
    Architecture.check(sequenceField, userFields, itemFields, dim, embeddingDim, hidden, heads, initStd, chunk);

    levels = levels == null ? 3 : levels;
    codebookSize = codebookSize == null ? 64 : codebookSize;
    codebookUpdate = codebookUpdate == null ? "gradient" : codebookUpdate.toLowerCase(Locale.ROOT);
    emaDecay = emaDecay == null ? 0.99 : emaDecay;
    emaEpsilon = emaEpsilon == null ? 1e-5 : emaEpsilon;
    commitmentWeight = commitmentWeight == null ? 0.25 : commitmentWeight;
    commitmentReduction = commitmentReduction == null ? "mean" : commitmentReduction.toLowerCase(Locale.ROOT);
    codebookWeight = codebookWeight == null ? ("ema".equals(codebookUpdate) ? 0.0 : 1.0) : codebookWeight;
    restartThreshold = restartThreshold == null ? 1.0 : restartThreshold;
    codebookInitStd = codebookInitStd == null ? 0.1 : codebookInitStd;
    if (levels <= 0) {
      throw new IllegalArgumentException("levels must be positive, got " + levels);
    }
    if (codebookSize <= 0) {
      throw new IllegalArgumentException("codebook-size must be positive, got " + codebookSize);
    }
    if (!codebookUpdate.equals("gradient") && !codebookUpdate.equals("ema")) {
      throw new IllegalArgumentException("codebook-update must be gradient or ema, got '" + codebookUpdate + "'");
    }
    if (!(emaDecay > 0 && emaDecay < 1)) {
      throw new IllegalArgumentException("ema-decay must be in (0, 1), got " + emaDecay);
    }
    if (!(emaEpsilon > 0) || emaEpsilon.isInfinite()) {
      throw new IllegalArgumentException("ema-epsilon must be a positive number, got " + emaEpsilon);
    }
    nonNegative("commitment-weight", commitmentWeight);
    if (!commitmentReduction.equals("mean") && !commitmentReduction.equals("sum")) {
      throw new IllegalArgumentException("commitment-reduction must be mean or sum, got '" + commitmentReduction + "'");
    }
    nonNegative("codebook-weight", codebookWeight);
    if (codebookUpdate.equals("ema") && codebookWeight > 0) {
      throw new IllegalArgumentException("codebook-weight " + codebookWeight + " trains codebooks by gradient, but"
          + " codebook-update is ema (codebooks follow moving averages and take no gradient); set codebook-weight: 0"
          + " or codebook-update: gradient");
    }
    nonNegative("restart-threshold", restartThreshold);
    if (!(codebookInitStd > 0) || codebookInitStd.isInfinite()) {
      throw new IllegalArgumentException("codebook-init-std must be a positive number, got " + codebookInitStd);
    }

    teacherWeight = teacherWeight == null ? 1.0 : teacherWeight;
    nonNegative("teacher-weight", teacherWeight);
    teacherLoss = teacherLoss == null ? "bce" : teacherLoss.toLowerCase(Locale.ROOT);
    if (!teacherLoss.equals("bce") && !teacherLoss.equals("softmax")) {
      throw new IllegalArgumentException("teacher-loss must be bce or softmax, got '" + teacherLoss + "'");
    }
    teacherLabel = teacherLabel == null ? "positive" : teacherLabel;
    if (teacherLabel.isBlank()) {
      throw new IllegalArgumentException("teacher-label must name a 0/1 pair label such as 'positive', got '"
          + teacherLabel + "'");
    }
    double dflt = teacherWeight > 0 ? 1.0 : 0.0;
    recWeight = recWeight == null ? dflt : recWeight;
    alignWeight = alignWeight == null ? dflt : alignWeight;
    nonNegative("rec-weight", recWeight);
    nonNegative("align-weight", alignWeight);
    if (teacherWeight == 0 && (recWeight > 0 || alignWeight > 0)) {
      throw new IllegalArgumentException("rec-weight " + recWeight + " and align-weight " + alignWeight
          + " distill this model's teacher, which teacher-weight 0 turns off (it would stay untrained); set both to 0"
          + " (a student without a teacher: distill it from another model with trainer.type: distill), or"
          + " teacher-weight > 0");
    }
    alignTemperature = alignTemperature == null ? 1.0 : alignTemperature;
    if (!(alignTemperature > 0) || alignTemperature.isInfinite()) {
      throw new IllegalArgumentException("align-temperature must be a positive number, got " + alignTemperature);
    }
    alignEpsilon = alignEpsilon == null ? 1e-8 : alignEpsilon;
    if (!(alignEpsilon >= 0) || alignEpsilon >= 1) {
      throw new IllegalArgumentException("align-epsilon must be in [0, 1), got " + alignEpsilon);
    }
    distillCandidates = distillCandidates == null ? 32 : distillCandidates;
    if (distillCandidates < 0) {
      throw new IllegalArgumentException("distill-candidates must be >= 0, got " + distillCandidates);
    }
    backboneItem = backboneItem == null ? "exact" : backboneItem.toLowerCase(Locale.ROOT);
    if (!backboneItem.equals("exact") && !backboneItem.equals("quantized")) {
      throw new IllegalArgumentException("backbone-item must be exact or quantized, got '" + backboneItem + "'");
    }
  }

  private static void nonNegative(String key, Double v) {
    if (!(v >= 0) || v.isInfinite()) {
      throw new IllegalArgumentException(key + " must be a finite number >= 0, got " + v);
    }
  }

  /** Whether this model trains its own teacher (and distills it). */
  boolean hasTeacher() {
    return teacherWeight > 0;
  }

  boolean ema() {
    return codebookUpdate.equals("ema");
  }

  Architecture architecture() {
    return new Architecture(sequenceField, userFields, itemFields, dim, embeddingDim, hidden, heads, selfAttention,
        backbone, initStd, chunk);
  }
}
