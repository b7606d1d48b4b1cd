package org.towerlab.trainers;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.towerlab.api.data.Split;
import org.towerlab.api.model.FeatureBatch;
import org.towerlab.api.model.Forward;
import org.towerlab.api.model.InitContext;
import org.towerlab.api.model.Interaction;
import org.towerlab.api.model.Model;
import org.towerlab.api.model.Tower;
import org.towerlab.api.model.TowerOutput;
import org.towerlab.api.testkit.TinyData;

class EmbeddingsTest {
  @TempDir Path dir;

  /** A tower whose vector is (id, 1) and, on the item side, whose codes are (id % 3, id % 2). */
  private record Stub(boolean codes) implements Tower {
    @Override
    public void initialize(InitContext ctx) {}

    @Override
    public TowerOutput encode(FeatureBatch f, Forward fwd) {
      NDArray id = f.idTensor().toType(DataType.FLOAT32, false); // [N]
      NDArray v = id.expandDims(1).concat(id.onesLike().expandDims(1), 1); // [N, 2]
      NDArray c = codes ? f.idTensor().mod(3).expandDims(1).concat(f.idTensor().mod(2).expandDims(1), 1) : null;
      return new TowerOutput(v, null, null, c, Map.of());
    }
  }

  private static Model model(boolean codes) {
    Interaction dot = new Interaction() {
      @Override
      public NDArray scoreAll(TowerOutput q, TowerOutput i, Forward fwd) {
        return q.embedding().matMul(i.embedding().transpose());
      }

      @Override
      public NDArray scorePaired(TowerOutput q, TowerOutput i, int k, Forward fwd) {
        throw new UnsupportedOperationException();
      }

      @Override
      public boolean itemSidePrecomputable() {
        return true;
      }

      @Override
      public long flopsPerPair(long dim) {
        return 2 * dim;
      }
    };
    return new Model() {
      private final Tower query = new Stub(false);
      private final Tower item = new Stub(codes);

      @Override
      public Tower queryTower() {
        return query;
      }

      @Override
      public Tower itemTower() {
        return item;
      }

      @Override
      public Interaction interaction() {
        return dot;
      }
    };
  }

  private void write(boolean codes) {
    Split split = TinyData.split();
    FeatureBatches batches = new FeatureBatches(split);
    try (NDManager m = NDManager.newBaseManager();
        TowerScorer scorer = new TowerScorer(model(codes), batches, TinyData.ITEMS, m)) {
      Embeddings.write(dir, model(codes), scorer, batches, split, m);
    }
  }

  @Test
  void write_itemTowerWithCodes_writesTheCodesRowMajorAndDescribesThem() throws IOException {
    write(true);
    JsonNode meta = new ObjectMapper().readTree(dir.resolve("embeddings.json").toFile());
    assertThat(meta.get("item-codes").get("file").asText()).isEqualTo("item-codes.i64");
    assertThat(meta.get("item-codes").get("rows").asInt()).isEqualTo(TinyData.ITEMS);
    assertThat(meta.get("item-codes").get("levels").asInt()).isEqualTo(2);
    ByteBuffer buf = ByteBuffer.wrap(Files.readAllBytes(dir.resolve("item-codes.i64"))).order(ByteOrder.LITTLE_ENDIAN);
    long[] codes = new long[TinyData.ITEMS * 2];
    buf.asLongBuffer().get(codes);
    assertThat(buf.capacity()).isEqualTo(TinyData.ITEMS * 2 * 8);
    for (int i = 0; i < TinyData.ITEMS; i++) {
      assertThat(codes[2 * i]).isEqualTo(i % 3);
      assertThat(codes[2 * i + 1]).isEqualTo(i % 2);
    }
    assertThat(Files.size(dir.resolve("items.f32"))).isEqualTo(TinyData.ITEMS * 2 * 4L);
  }

  @Test
  void write_itemTowerWithoutCodes_writesNoCodesFile() throws IOException {
    write(false);
    JsonNode meta = new ObjectMapper().readTree(dir.resolve("embeddings.json").toFile());
    assertThat(meta.has("item-codes")).isFalse();
    assertThat(dir.resolve("item-codes.i64")).doesNotExist();
  }
}
