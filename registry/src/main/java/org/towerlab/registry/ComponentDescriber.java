package org.towerlab.registry;

import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import java.lang.reflect.Constructor;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.RecordComponent;
import java.lang.reflect.Type;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.towerlab.api.Kind;
import org.towerlab.api.config.ComponentConfig;

/**
 * Describes registered components for {@code towerlab components}: name, kind, module,
 * description, and each config key with its type and default.
 *
 * <p>Defaults come from the record's canonical constructor called with every component
 * {@code null}, which is exactly what binding {@code {type: NAME}} does. If that throws, the
 * record has required keys: those the constructor's message names (all keys, if it names none).
 */
public final class ComponentDescriber {
  private static final PropertyNamingStrategies.KebabCaseStrategy KEBAB =
      new PropertyNamingStrategies.KebabCaseStrategy();

  private final Registry registry;

  public ComponentDescriber(Registry registry) {
    this.registry = registry;
  }

  /**
   * One config key: kebab-case name, readable type, and default ({@code null} for required keys and
   * when the default cannot be found). When the all-defaults config is invalid, the keys named in
   * the constructor's message are required (all of them if it names none).
   */
  public record Field(String key, String type, String defaultValue, boolean required) {}

  /**
   * One component.
   *
   * @param requiredReason the constructor's message when the all-defaults config is invalid, else null
   */
  public record Description(String name, Kind kind, String module, String description, String configClass,
      List<Field> fields, String requiredReason) {}

  public List<Description> describeAll() {
    return registry.all().stream().map(this::describe).toList();
  }

  public Description describe(Registration r) {
    Class<?> c = r.configClass();
    List<Field> fields = new ArrayList<>();
    String reason = null;
    if (c.isRecord()) {
      RecordComponent[] comps = c.getRecordComponents();
      boolean[] required = new boolean[comps.length];
      Object defaults = null;
      try {
        defaults = construct(c, comps, required);
      } catch (InvocationTargetException e) {
        reason = e.getCause() == null ? String.valueOf(e) : e.getCause().getMessage();
      } catch (ReflectiveOperationException | RuntimeException e) {
        reason = e.toString();
      }
      if (defaults == null) {
        // Required keys are the ones the constructor's message names (all keys if it names none);
        // a second call with stand-in values for those gives the defaults of the others.
        boolean any = false;
        for (int i = 0; i < comps.length; i++) {
          required[i] = reason != null && mentions(reason, KEBAB.translate(comps[i].getName()), comps[i].getName());
          any |= required[i];
        }
        if (!any) {
          java.util.Arrays.fill(required, true);
        }
        try {
          defaults = construct(c, comps, required);
        } catch (ReflectiveOperationException | RuntimeException e) {
          defaults = null;
        }
      }
      for (int i = 0; i < comps.length; i++) {
        RecordComponent rc = comps[i];
        String def = null;
        if (defaults != null && !required[i]) {
          try {
            rc.getAccessor().setAccessible(true);
            def = render(rc.getAccessor().invoke(defaults));
          } catch (ReflectiveOperationException | RuntimeException e) {
            def = null;
          }
        }
        fields.add(new Field(KEBAB.translate(rc.getName()), typeName(rc.getGenericType()), def, required[i]));
      }
    }
    return new Description(r.name(), r.kind(), r.module(), r.description(), c.getName(), List.copyOf(fields), reason);
  }

  private static boolean mentions(String message, String key, String camel) {
    String m = message == null ? "" : message;
    return m.matches("(?s).*\\b\\Q" + key + "\\E\\b.*") || m.matches("(?s).*\\b\\Q" + camel + "\\E\\b.*");
  }

  private String render(Object v) {
    if (v == null) {
      return "none";
    }
    if (v instanceof ComponentConfig cc) {
      return registry.forConfigClass(cc.getClass()).map(r -> "{type: " + r.name() + "}").orElse(cc.toString());
    }
    if (v instanceof Collection<?> col) {
      return col.stream().map(this::render).collect(Collectors.joining(", ", "[", "]"));
    }
    if (v instanceof Map<?, ?> m) {
      return m.entrySet().stream().map(e -> e.getKey() + ": " + render(e.getValue()))
          .collect(Collectors.joining(", ", "{", "}"));
    }
    if (v instanceof String s) {
      return s.isEmpty() ? "\"\"" : s;
    }
    return String.valueOf(v);
  }

  /** Calls the canonical constructor with nulls, or stand-in values where {@code probe[i]}. */
  private static Object construct(Class<?> c, RecordComponent[] comps, boolean[] probe)
      throws ReflectiveOperationException {
    Constructor<?> ctor = c.getDeclaredConstructor(
        Arrays.stream(comps).map(RecordComponent::getType).toArray(Class<?>[]::new));
    ctor.setAccessible(true);
    Object[] args = new Object[comps.length];
    for (int i = 0; i < comps.length; i++) {
      args[i] = probe[i] ? standIn(comps[i].getType()) : zero(comps[i].getType());
    }
    return ctor.newInstance(args);
  }

  private static Object standIn(Class<?> t) {
    if (t == String.class) {
      return "x";
    }
    if (t == Integer.class || t == int.class) {
      return 1;
    }
    if (t == Long.class || t == long.class) {
      return 1L;
    }
    if (t == Double.class || t == double.class) {
      return 0.5;
    }
    if (t == Float.class || t == float.class) {
      return 0.5f;
    }
    if (t == Boolean.class || t == boolean.class) {
      return Boolean.FALSE;
    }
    if (t == java.nio.file.Path.class) {
      return java.nio.file.Path.of("x");
    }
    if (List.class.isAssignableFrom(t) || t == Collection.class) {
      return List.of();
    }
    if (Map.class.isAssignableFrom(t)) {
      return Map.of();
    }
    if (t.isEnum() && t.getEnumConstants().length > 0) {
      return t.getEnumConstants()[0];
    }
    if (t.isInterface()) {
      // A nested section (a tower, a protocol): any non-null instance will do.
      return java.lang.reflect.Proxy.newProxyInstance(t.getClassLoader(), new Class<?>[] {t},
          (proxy, method, args) -> switch (method.getName()) {
            case "hashCode" -> System.identityHashCode(proxy);
            case "equals" -> proxy == args[0];
            case "toString" -> "stand-in " + t.getSimpleName();
            default -> null;
          });
    }
    return zero(t);
  }

  private static Object zero(Class<?> t) {
    if (!t.isPrimitive()) {
      return null;
    }
    if (t == boolean.class) {
      return false;
    }
    if (t == char.class) {
      return '\0';
    }
    if (t == long.class) {
      return 0L;
    }
    if (t == double.class) {
      return 0.0;
    }
    if (t == float.class) {
      return 0f;
    }
    if (t == byte.class) {
      return (byte) 0;
    }
    if (t == short.class) {
      return (short) 0;
    }
    return 0;
  }

  /** A short readable type: {@code int}, {@code number}, {@code list<int>}, {@code tower}, ... */
  static String typeName(Type t) {
    if (t instanceof ParameterizedType p && p.getRawType() instanceof Class<?> raw) {
      Type[] args = p.getActualTypeArguments();
      if (Collection.class.isAssignableFrom(raw) && args.length == 1) {
        return "list<" + typeName(args[0]) + ">";
      }
      if (Map.class.isAssignableFrom(raw) && args.length == 2) {
        return "map<" + typeName(args[0]) + ", " + typeName(args[1]) + ">";
      }
      return typeName(raw);
    }
    if (!(t instanceof Class<?> c)) {
      return t.getTypeName();
    }
    if (c == Integer.class || c == int.class || c == Long.class || c == long.class || c == Short.class
        || c == short.class) {
      return "int";
    }
    if (c == Double.class || c == double.class || c == Float.class || c == float.class) {
      return "number";
    }
    if (c == Boolean.class || c == boolean.class) {
      return "boolean";
    }
    if (c == String.class) {
      return "string";
    }
    if (c == java.nio.file.Path.class) {
      return "path";
    }
    if (c.isEnum()) {
      return Arrays.stream(c.getEnumConstants()).map(Object::toString)
          .collect(Collectors.joining("|"));
    }
    if (c.isArray()) {
      return "list<" + typeName(c.getComponentType()) + ">";
    }
    for (Kind k : Kind.values()) {
      if (k.configType() == c) {
        return k.label();
      }
    }
    if (ComponentConfig.class.isAssignableFrom(c)) {
      for (Kind k : Kind.values()) {
        if (k.configType().isAssignableFrom(c)) {
          return k.label();
        }
      }
    }
    if (Collection.class.isAssignableFrom(c)) {
      return "list";
    }
    if (Map.class.isAssignableFrom(c)) {
      return "map";
    }
    return c.isRecord() ? "mapping" : c.getSimpleName();
  }
}
