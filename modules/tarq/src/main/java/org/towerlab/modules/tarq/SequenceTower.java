package org.towerlab.modules.tarq;

import ai.djl.ndarray.NDArray;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.towerlab.api.UserException;
import org.towerlab.api.data.Dataset;
import org.towerlab.api.data.FieldKind;
import org.towerlab.api.data.FieldSpec;
import org.towerlab.api.data.Side;
import org.towerlab.api.model.FeatureBatch;
import org.towerlab.api.model.Forward;
import org.towerlab.api.model.InitContext;
import org.towerlab.api.model.Tower;
import org.towerlab.api.model.TowerOutput;
import org.towerlab.api.nn.FieldEncoder;
import org.towerlab.api.nn.Mlp;

/**
 * The user side of a target-attention model: the encoded behaviour sequence, keys and values of
 * the target attention, and the backbone user vector.
 *
 * <pre>
 *   H   = SequenceEncoder(x_seq)                        [N, T, d]   (heads)
 *   v_u = MLP(FieldEncoder(user fields))                [N, d]      (embedding; with backbone)
 *       = mean of H over the real positions             [N, d]      (embedding; without backbone)
 * </pre>
 *
 * Output: {@code embedding} = v_u, {@code heads} = H, {@code extras("mask")} = the padding mask
 * {@code [N, T]} (1 = a real position). Used as the query tower of the {@code target-attention}
 * model, and twice inside TARQ (the student's and the teacher's user side, each with its own
 * weights).
 */
final class SequenceTower implements Tower {
  /** The {@link TowerOutput#extras()} key of the sequence's padding mask. */
  static final String MASK = "mask";

  private final Architecture arch;
  private final String path;
  private SequenceEncoder encoder;
  private FieldEncoder fields;
  private Mlp backbone;
  private int length;

  SequenceTower(Architecture arch, String path) {
    this.arch = arch;
    this.path = path;
  }

  /**
   * Why the data set cannot feed a model reading {@code arch.sequenceField()}, or null when it can.
   *
   * @param path the model's config path, for the message
   */
  static String problem(Dataset data, Architecture arch, String path) {
    List<FieldSpec> query = data.schema().side(Side.QUERY);
    FieldSpec f = query.stream().filter(s -> s.name().equals(arch.sequenceField())).findFirst().orElse(null);
    if (f == null) {
      return "The model at " + path + " attends over the behaviour sequence field '" + arch.sequenceField() + "' ("
          + path + ".sequence-field), but the data set '" + data.name() + "' has the query fields "
          + query.stream().map(FieldSpec::name).toList() + ". Declare the sequence with data.history-length: 50"
          + " (ml-100k, ml-1m, ml-20m, simulator) or name an existing SEQUENCE field.";
    }
    if (f.kind() != FieldKind.SEQUENCE) {
      return "The model at " + path + " attends over '" + arch.sequenceField() + "' (" + path + ".sequence-field),"
          + " but that field of the data set '" + data.name() + "' is " + f.kind() + ", not SEQUENCE. Name a SEQUENCE"
          + " field (data.history-length declares 'history').";
    }
    if (arch.userFields() != null) {
      for (String u : arch.userFields()) {
        FieldSpec s = query.stream().filter(x -> x.name().equals(u)).findFirst().orElse(null);
        if (s != null && s.kind() == FieldKind.SEQUENCE) {
          return "user-fields at " + path + " lists '" + u + "', a SEQUENCE field; the backbone reads plain fields."
              + " Leave it out of user-fields.";
        }
      }
    }
    return null;
  }

  @Override
  public void initialize(InitContext ctx) {
    String p = problem(ctx.dataset(), arch, path);
    if (p != null) {
      throw new UserException(p);
    }
    FieldSpec seq = ctx.dataset().schema().field(Side.QUERY, arch.sequenceField()).orElseThrow();
    length = seq.maxLength();
    encoder = new SequenceEncoder(ctx.params().scope("sequence"), seq, arch.dim(), arch.heads(), arch.selfAttention(),
        arch.initStd());
    if (arch.backbone()) {
      List<String> names = arch.userFields() != null ? arch.userFields()
          : ctx.dataset().schema().side(Side.QUERY).stream().filter(f -> f.kind() != FieldKind.SEQUENCE)
              .map(FieldSpec::name).toList();
      fields = new FieldEncoder(ctx.scope("backbone"), names, arch.embeddingDim(), arch.initStd(), path + ".user-fields");
      List<Integer> widths = new ArrayList<>();
      widths.add(fields.width());
      widths.addAll(arch.hidden());
      widths.add(arch.dim());
      backbone = new Mlp(ctx.params().scope("backbone"), "mlp", widths, 0.0);
    }
  }

  @Override
  public long outputDim() {
    return arch.dim();
  }

  /** Maximum sequence length T. */
  int length() {
    return length;
  }

  @Override
  public TowerOutput encode(FeatureBatch features, Forward fwd) {
    SequenceEncoder.Encoded e = encoder.encode(features.field(arch.sequenceField()), fwd); // [N, T, d], [N, T]
    NDArray v = backbone != null ? backbone.forward(fields.encode(features), fwd) // [N, d]
        : SequenceEncoder.maskedMean(e.sequence(), e.mask()); // [N, d]
    return new TowerOutput(v, e.sequence(), null, null, Map.of(MASK, e.mask()));
  }
}
