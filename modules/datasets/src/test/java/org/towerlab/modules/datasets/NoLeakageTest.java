package org.towerlab.modules.datasets;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.towerlab.api.data.Dataset;
import org.towerlab.api.data.InteractionLog;
import org.towerlab.api.data.Protocol;
import org.towerlab.api.data.Split;
import org.towerlab.api.random.Seeds;

/**
 * No valid or test row appears in train (checked by original row identity: query, item, time and
 * labels, which are unique in these data sets up to true duplicates), and for the chronological
 * protocols no train row of a user is later than that user's valid or test rows.
 */
class NoLeakageTest {
  private static final Dataset RATINGS = Fixtures.randomRatings(150, 60, 25, 21);
  private static final Dataset SIM = new Simulator(SimulatorConfig.of(200, 80, 15, 9L), 9L).load();

  static Stream<Arguments> protocols() {
    List<Protocol> all = List.of(new PerUserRatio(PerUserRatioConfig.defaults()),
        new LeaveLastOut(new LeaveLastOutConfig(null, null, null, null, null)),
        new GlobalTemporal(new GlobalTemporalConfig(null, null, null, null, null, null)),
        new Ctr(CtrConfig.defaults()), new Ctr(new CtrConfig(null, null, null, null, null, null, true, null)));
    return Stream.of(RATINGS, SIM).flatMap(d -> all.stream().map(p -> Arguments.of(p.name(), p, d)));
  }

  @ParameterizedTest(name = "{0} on {2}")
  @MethodSource("protocols")
  void split_validAndTestRows_neverInTrain(String name, Protocol protocol, Dataset data) {
    Split s = protocol.split(data, new Seeds(5));

    Map<String, Integer> available = multiset(data.log());
    Map<String, Integer> used = new HashMap<>();
    for (InteractionLog part : List.of(s.train(), s.valid(), s.test())) {
      multiset(part).forEach((k, v) -> used.merge(k, v, Integer::sum));
    }
    // Every row of every part is a distinct row of the input: no row is copied into two parts.
    used.forEach((k, v) -> assertThat(v).as("copies of %s", k).isLessThanOrEqualTo(available.getOrDefault(k, 0)));
    assertThat(s.train().size()).isPositive();
    assertThat(s.valid().size() + s.test().size()).isPositive();
  }

  static Stream<Arguments> chronological() {
    return protocols().filter(a -> List.of("leave-last-out", "global-temporal").contains((String) a.get()[0]));
  }

  @ParameterizedTest(name = "{0} on {2}")
  @MethodSource("chronological")
  void split_chronologicalProtocols_trainNeverLaterThanEvaluation(String name, Protocol protocol, Dataset data) {
    Split s = protocol.split(data, new Seeds(5));

    Map<Integer, Long> lastTrain = new HashMap<>();
    for (int r = 0; r < s.train().size(); r++) {
      lastTrain.merge(s.train().queries()[r], s.train().timestamps()[r], Math::max);
    }
    Set<Integer> checked = new HashSet<>();
    for (InteractionLog part : List.of(s.valid(), s.test())) {
      for (int r = 0; r < part.size(); r++) {
        Long last = lastTrain.get(part.queries()[r]);
        if (last != null) {
          assertThat(part.timestamps()[r]).as("user %d", part.queries()[r]).isGreaterThanOrEqualTo(last);
          checked.add(part.queries()[r]);
        }
      }
    }
    assertThat(checked).isNotEmpty();
  }

  private static Map<String, Integer> multiset(InteractionLog log) {
    Map<String, Integer> out = new HashMap<>();
    for (int r = 0; r < log.size(); r++) {
      StringBuilder k = new StringBuilder().append(log.queries()[r]).append('/').append(log.items()[r]).append('/')
          .append(log.timestamps()[r]);
      for (String l : log.labelNames()) {
        if (!l.equals(ProtocolSupport.POSITIVE)) {
          k.append('/').append(log.label(l)[r]);
        }
      }
      out.merge(k.toString(), 1, Integer::sum);
    }
    return out;
  }
}
