package org.towerlab.api.data;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** The feature fields of a data set, each on the query side or the item side. */
public record Schema(List<FieldSpec> fields) {

  public Schema {
    fields = List.copyOf(fields);
    for (int i = 0; i < fields.size(); i++) {
      for (int j = i + 1; j < fields.size(); j++) {
        if (fields.get(i).side() == fields.get(j).side()
            && fields.get(i).name().equals(fields.get(j).name())) {
          throw new IllegalArgumentException("duplicate field '" + fields.get(i).name() + "' on the "
              + fields.get(i).side().name().toLowerCase() + " side");
        }
      }
    }
  }

  /** The fields of one side, in declaration order. */
  public List<FieldSpec> side(Side side) {
    List<FieldSpec> out = new ArrayList<>();
    for (FieldSpec f : fields) {
      if (f.side() == side) {
        out.add(f);
      }
    }
    return out;
  }

  public Optional<FieldSpec> field(Side side, String name) {
    return fields.stream().filter(f -> f.side() == side && f.name().equals(name)).findFirst();
  }
}
