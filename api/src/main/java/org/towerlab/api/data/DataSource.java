package org.towerlab.api.data;

/**
 * Loads a data set from files or generates it. Errors in the data (a malformed line, a wrong field
 * count, a non-numeric id) throw {@link org.towerlab.api.UserException} naming the file, the line
 * number and the offending text; nothing is returned half-loaded.
 */
public interface DataSource {
  Dataset load();
}
