package org.towerlab.api.data;

/** Which tower a feature field feeds. */
public enum Side {
  QUERY,
  ITEM
}
