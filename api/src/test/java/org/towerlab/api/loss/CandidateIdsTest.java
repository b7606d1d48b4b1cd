package org.towerlab.api.loss;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class CandidateIdsTest {
  @Test
  void sameForEveryRow_answersLikeTheMaterializedMatrix() {
    long[] pos = {7, 3, 7};
    CandidateIds lazy = CandidateIds.sameForEveryRow(pos, 3);
    long[] flat = {7, 3, 7, 7, 3, 7, 7, 3, 7};
    assertThat(lazy.toArray()).containsExactly(flat);
    assertThat(lazy).isEqualTo(CandidateIds.of(flat, 3, 3));
    for (int i = 0; i < 3; i++) {
      for (int j = 0; j < 3; j++) {
        assertThat(lazy.at(i, j)).isEqualTo(flat[i * 3 + j]);
      }
    }
    assertThat(lazy.rows()).isEqualTo(3);
    assertThat(lazy.width()).isEqualTo(3);
  }

  @Test
  void of_rowMajorWithPadding() {
    CandidateIds ids = CandidateIds.of(new long[] {1, 2, -1, 4, 5, 6}, 2, 3);
    assertThat(ids.at(0, 2)).isEqualTo(-1);
    assertThat(ids.at(1, 0)).isEqualTo(4);
    assertThat(ids.toArray()).containsExactly(1, 2, -1, 4, 5, 6);
  }

  @Test
  void of_wrongLengthOrIndex_throws() {
    assertThatThrownBy(() -> CandidateIds.of(new long[5], 2, 3)).isInstanceOf(IllegalArgumentException.class);
    CandidateIds ids = CandidateIds.sameForEveryRow(new long[] {1, 2}, 2);
    assertThatThrownBy(() -> ids.at(2, 0)).isInstanceOf(IndexOutOfBoundsException.class);
    assertThatThrownBy(() -> ids.at(0, 2)).isInstanceOf(IndexOutOfBoundsException.class);
  }

  @Test
  void toArray_isACopy() {
    long[] flat = {1, 2};
    CandidateIds ids = CandidateIds.of(flat, 1, 2);
    ids.toArray()[0] = 9;
    assertThat(ids.at(0, 0)).isEqualTo(1);
  }

  @Test
  void sideBySide_looksUpTheBlockOfEachColumn() {
    CandidateIds inBatch = CandidateIds.sameForEveryRow(new long[] {5, 6}, 2);
    CandidateIds shared = CandidateIds.sameForEveryRow(new long[] {9}, 2);
    CandidateIds perQuery = CandidateIds.of(new long[] {1, -1, 3, 4}, 2, 2);
    CandidateIds all = CandidateIds.sideBySide(java.util.List.of(inBatch, shared, perQuery));
    long[] flat = {5, 6, 9, 1, -1, 5, 6, 9, 3, 4};
    assertThat(all.width()).isEqualTo(5);
    assertThat(all.toArray()).containsExactly(flat);
    for (int i = 0; i < 2; i++) {
      for (int j = 0; j < 5; j++) {
        assertThat(all.at(i, j)).isEqualTo(flat[i * 5 + j]);
      }
    }
    assertThat(all).isEqualTo(CandidateIds.of(flat, 2, 5));
    assertThatThrownBy(() -> CandidateIds.sideBySide(java.util.List.of(inBatch, CandidateIds.of(new long[3], 3, 1))))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
