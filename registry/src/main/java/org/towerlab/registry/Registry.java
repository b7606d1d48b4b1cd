package org.towerlab.registry;

import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.jsontype.NamedType;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLGenerator;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import com.google.inject.ConfigurationException;
import com.google.inject.CreationException;
import com.google.inject.Guice;
import com.google.inject.Injector;
import com.google.inject.Key;
import com.google.inject.Module;
import com.google.inject.TypeLiteral;
import com.google.inject.spi.Message;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.ServiceConfigurationError;
import java.util.ServiceLoader;
import java.util.Set;
import java.util.TreeMap;
import org.towerlab.api.Kind;
import org.towerlab.api.UserException;
import org.towerlab.api.config.ComponentConfig;
import org.towerlab.api.config.ExperimentConfig;
import org.towerlab.api.random.Seeds;

/**
 * Every registered component, by kind and name, plus the Jackson mapper that binds config sections
 * to their records and the Guice injector that supplies services to factories.
 *
 * <p>Names are unique within a kind, not across kinds: a tower and a loss may both be called
 * {@code mlp}. {@link #discover()} finds the modules on the classpath through
 * {@link ServiceLoader}; tests use {@link #of(Module...)} with their own modules.
 */
public final class Registry {
  private static final Comparator<Registration> ORDER =
      Comparator.comparing(Registration::kind).thenComparing(Registration::name);

  private final Injector injector;
  private final List<Registration> all;
  private final Map<Kind, Map<String, Registration>> byName = new EnumMap<>(Kind.class);
  private final Map<Kind, Map<Class<?>, Registration>> byConfigClass = new EnumMap<>(Kind.class);
  private final List<String> modules;
  private final ObjectMapper mapper;

  private Registry(Injector injector, List<String> modules) {
    this.injector = injector;
    this.modules = List.copyOf(modules);
    Set<Registration> found = injector.getInstance(Key.get(new TypeLiteral<Set<Registration>>() {}));
    List<Registration> sorted = new ArrayList<>(found);
    sorted.sort(ORDER.thenComparing(Registration::module));
    for (Kind k : Kind.values()) {
      byName.put(k, new TreeMap<>());
      byConfigClass.put(k, new LinkedHashMap<>());
    }
    for (Registration r : sorted) {
      Registration previous = byName.get(r.kind()).putIfAbsent(r.name(), r);
      if (previous != null) {
        throw new UserException("Duplicate " + r.kind().label() + " name '" + r.name()
            + "': registered by both " + previous.module() + " and " + r.module()
            + ". Names must be unique within a kind; rename one of the components or remove one of"
            + " the plugin jars from the classpath.");
      }
    }
    for (Registration r : sorted) {
      Registration sameClass = byConfigClass.get(r.kind()).putIfAbsent(r.configClass(), r);
      if (sameClass != null) {
        throw new UserException("Config class " + r.configClass().getName() + " is registered twice as "
            + r.kind().label() + ": '" + sameClass.name() + "' by " + sameClass.module() + " and '"
            + r.name() + "' by " + r.module() + ". Give each registration its own config record.");
      }
    }
    this.all = List.copyOf(sorted);
    this.mapper = newMapper();
    for (Registration r : all) {
      mapper.registerSubtypes(new NamedType(r.configClass(), r.name()));
    }
  }

  /**
   * Finds every {@link TowerlabModule} listed in {@code META-INF/services} on the classpath (of the
   * thread's context class loader, which the CLI points at the plugin jars; see {@link Plugins}).
   */
  public static Registry discover() {
    return discover(Thread.currentThread().getContextClassLoader());
  }

  /** Finds every {@link TowerlabModule} that {@code loader} sees (for example {@link Plugins.Loaded#loader()}). */
  public static Registry discover(ClassLoader loader) {
    List<Module> found = new ArrayList<>();
    try {
      for (TowerlabModule m : ServiceLoader.load(TowerlabModule.class, loader)) {
        found.add(m);
      }
    } catch (ServiceConfigurationError e) {
      throw new UserException("Cannot load a TowerLab plugin module: " + e.getMessage()
          + ". Check the META-INF/services/org.towerlab.registry.TowerlabModule files of the jars on"
          + " the classpath (each line must name a public class with a no-argument constructor).", e);
    }
    return of(found.toArray(Module[]::new));
  }

  /** A registry over exactly these modules (for tests and embedding). */
  public static Registry of(Module... modules) {
    List<String> names = Arrays.stream(modules).map(m -> m.getClass().getName()).sorted().toList();
    Injector injector;
    try {
      injector = Guice.createInjector(modules);
    } catch (CreationException e) {
      List<String> messages = e.getErrorMessages().stream().map(Message::getMessage).toList();
      throw new IllegalStateException("Plugin modules " + names + " failed to configure: " + messages, e);
    }
    return new Registry(injector, names);
  }

  /** The class names of the Guice modules this registry was built from, sorted. */
  public List<String> modules() {
    return modules;
  }

  public Optional<Registration> find(Kind kind, String name) {
    return Optional.ofNullable(byName.get(kind).get(name));
  }

  /**
   * The registration named {@code name} in {@code kind}.
   *
   * @param path JSON path of the {@code type} key that named it, for the error message
   * @throws UserException naming the path, the known names and the closest one
   */
  public Registration require(Kind kind, String name, String path) {
    return find(kind, name).orElseThrow(() -> new UserException(unknownMessage(kind, name, path)));
  }

  /** {@code Unknown tower type 'mpl' at $.model.query-tower.type. Known: [dot, mlp]. Did you mean 'mlp'?} */
  public String unknownMessage(Kind kind, String name, String path) {
    Set<String> known = names(kind);
    return "Unknown " + kind.label() + " type '" + name + "' at " + path + ". Known: " + known + "."
        + Suggestions.didYouMean(name, known);
  }

  /** The registered names of one kind, sorted. */
  public Set<String> names(Kind kind) {
    return ((TreeMap<String, Registration>) byName.get(kind)).navigableKeySet();
  }

  /** Every registration, sorted by kind then name. */
  public List<Registration> all() {
    return all;
  }

  /** The registrations of one kind, sorted by name. */
  public List<Registration> byKind(Kind kind) {
    return List.copyOf(byName.get(kind).values());
  }

  /** The registration whose config record is {@code configClass}, in any kind. */
  public Optional<Registration> forConfigClass(Class<?> configClass) {
    return all.stream().filter(r -> r.configClass() == configClass).findFirst();
  }

  /**
   * The mapper that binds configs: YAML (and therefore JSON) input, kebab-case keys, unknown keys
   * rejected, every registered config record known under its name. Shared: do not reconfigure it.
   */
  public ObjectMapper mapper() {
    return mapper;
  }

  /**
   * Builds the component registered for {@code config}'s record class in {@code kind}.
   *
   * @param path JSON path of the section, for example {@code $.model}
   * @throws UserException when the factory rejects the config (its {@link IllegalArgumentException}
   *     is reported with the path)
   */
  public <T> T build(Kind kind, ComponentConfig config, String path, Seeds seeds, Class<T> type) {
    Objects.requireNonNull(seeds, "seeds");
    if (config == null) {
      throw new UserException("Missing " + kind.label() + " section at " + path + ": add it with `type:` one of "
          + names(kind) + ".");
    }
    Registration r = byConfigClass.get(kind).get(config.getClass());
    if (r == null) {
      throw new IllegalStateException("No " + kind.label() + " is registered with config class "
          + config.getClass().getName() + " (needed at " + path + ")");
    }
    Object built;
    try {
      built = r.create(config, new Context(path, seeds));
    } catch (UserException e) {
      throw e;
    } catch (IllegalArgumentException e) {
      throw new UserException("Invalid " + kind.label() + " '" + r.name() + "' at " + path + ": "
          + e.getMessage(), e);
    }
    if (built == null || !type.isInstance(built)) {
      throw new IllegalStateException("The factory of " + kind.label() + " '" + r.name() + "' (" + r.module()
          + ") returned " + (built == null ? "null" : built.getClass().getName()) + ", expected a "
          + type.getName());
    }
    return type.cast(built);
  }

  /** The effective config as a tree: the bound record serialized back, every default filled. */
  public JsonNode effective(ExperimentConfig cfg) {
    return mapper.valueToTree(cfg);
  }

  /** A config tree as YAML, without the leading {@code ---}. */
  public String toYaml(JsonNode tree) {
    try {
      return mapper.writeValueAsString(tree);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("cannot write YAML", e);
    }
  }

  private static ObjectMapper newMapper() {
    YAMLFactory yaml = YAMLFactory.builder()
        .disable(YAMLGenerator.Feature.WRITE_DOC_START_MARKER)
        .enable(YAMLGenerator.Feature.MINIMIZE_QUOTES)
        .enable(YAMLGenerator.Feature.INDENT_ARRAYS_WITH_INDICATOR)
        .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
        .build();
    return YAMLMapper.builder(yaml)
        .propertyNamingStrategy(PropertyNamingStrategies.KEBAB_CASE)
        .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
        .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
        .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
        .disable(DeserializationFeature.ACCEPT_FLOAT_AS_INT)
        .disable(SerializationFeature.FAIL_ON_EMPTY_BEANS)
        .build();
  }

  private final class Context implements BuildContext {
    private final String path;
    private final Seeds seeds;

    Context(String path, Seeds seeds) {
      this.path = path;
      this.seeds = seeds;
    }

    @Override
    public String path() {
      return path;
    }

    @Override
    public Seeds seeds() {
      return seeds;
    }

    @Override
    public <T> T build(Kind kind, ComponentConfig config, String key, Class<T> type) {
      return Registry.this.build(kind, config, path + "." + key, seeds, type);
    }

    @Override
    public <T> T service(Class<T> type) {
      try {
        return injector.getInstance(type);
      } catch (ConfigurationException e) {
        throw new IllegalStateException("No service " + type.getName() + " is bound (requested at " + path
            + "); bind it in a TowerlabModule", e);
      }
    }
  }
}
