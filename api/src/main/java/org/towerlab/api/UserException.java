package org.towerlab.api;

/**
 * An error the user can fix (bad config, bad data file, unknown component, unreachable server).
 *
 * <p>The CLI prints {@link #getMessage()} as one paragraph, without a stack trace, and exits with
 * code 2. The message must name the file, line or config path and say what to do.
 */
public class UserException extends RuntimeException {
  public UserException(String message) {
    super(message);
  }

  public UserException(String message, Throwable cause) {
    super(message, cause);
  }
}
