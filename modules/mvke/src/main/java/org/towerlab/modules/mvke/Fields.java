package org.towerlab.modules.mvke;

import java.util.List;
import org.towerlab.api.UserException;
import org.towerlab.api.data.FieldSpec;
import org.towerlab.api.model.InitContext;

/** Checks configured field names against the side's schema, naming the config key in the message. */
final class Fields {
  private Fields() {}

  static void check(InitContext ctx, List<String> names, String key) {
    if (names == null) {
      return;
    }
    List<String> known = ctx.dataset().schema().side(ctx.side()).stream().map(FieldSpec::name).toList();
    for (String name : names) {
      if (!known.contains(name)) {
        throw new UserException("Unknown " + ctx.side().name().toLowerCase() + " field '" + name + "' at " + key
            + ". The data set '" + ctx.dataset().name() + "' has " + known + ".");
      }
    }
  }
}
