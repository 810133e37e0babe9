package io.durableobjects.k8s;

import com.fasterxml.jackson.databind.JsonNode;
import io.kubernetes.client.custom.IntOrString;
import io.kubernetes.client.custom.Quantity;
import io.kubernetes.client.custom.QuantityFormatException;
import io.kubernetes.client.custom.QuantityFormatter;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.Type;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Validates Kubernetes resources (parsed YAML or JSON) against the Kubernetes API schema, offline,
 * with nothing but a JDK: the schema comes from the models of the official Kubernetes Java client
 * ({@code io.kubernetes:client-java-api}, generated from the API server's OpenAPI document). Each
 * model class lists its type's fields ({@code openapiFields}) and required fields ({@code
 * openapiRequiredFields}), and its Java fields give the value types.
 *
 * <p>It reports, each with its path (e.g. {@code Deployment/node: spec.template.spec.containers[0]
 * .ports[0].containerPort}):
 *
 * <ul>
 *   <li>unknown fields (a misspelled {@code minReadySecond}: the API server would drop or refuse
 *       it);
 *   <li>values of the wrong type (a string where an integer belongs, a scalar where an object or a
 *       list belongs, a quantity such as {@code 1GB} that Kubernetes cannot parse);
 *   <li>missing required fields (a Deployment without {@code spec.selector}, a container without
 *       {@code name});
 *   <li>an {@code apiVersion}/{@code kind} pair this validator does not know (so that a typo there
 *       is not silently skipped) and a resource without {@code metadata.name}.
 * </ul>
 *
 * <p>Not checked: semantic rules the API server applies beyond the schema (label syntax, port
 * ranges, immutable fields), and custom resources.
 */
final class KubernetesSchemaValidator {

  /** The resource kinds the manifests may use, by apiVersion and kind, and their model class. */
  private static final Map<String, String> KINDS =
      Map.ofEntries(
          Map.entry("v1/ConfigMap", "V1ConfigMap"),
          Map.entry("v1/Secret", "V1Secret"),
          Map.entry("v1/Service", "V1Service"),
          Map.entry("v1/ServiceAccount", "V1ServiceAccount"),
          Map.entry("v1/Namespace", "V1Namespace"),
          Map.entry("apps/v1/Deployment", "V1Deployment"),
          Map.entry("apps/v1/StatefulSet", "V1StatefulSet"),
          Map.entry("batch/v1/Job", "V1Job"),
          Map.entry("networking.k8s.io/v1/NetworkPolicy", "V1NetworkPolicy"),
          Map.entry("policy/v1/PodDisruptionBudget", "V1PodDisruptionBudget"),
          Map.entry("rbac.authorization.k8s.io/v1/Role", "V1Role"),
          Map.entry("rbac.authorization.k8s.io/v1/RoleBinding", "V1RoleBinding"));

  private static final String MODELS = "io.kubernetes.client.openapi.models.";

  /** Per model class: JSON field name to Java field type. */
  private static final Map<Class<?>, Map<String, Type>> FIELD_TYPES = new ConcurrentHashMap<>();

  private KubernetesSchemaValidator() {}

  /** The problems of one resource, each "Kind/name: path: problem"; empty when it is valid. */
  static List<String> validate(JsonNode resource) {
    List<String> problems = new ArrayList<>();
    if (resource == null || !resource.isObject()) {
      problems.add("a document is not a YAML mapping (a Kubernetes resource)");
      return problems;
    }
    String apiVersion = resource.path("apiVersion").asText("");
    String kind = resource.path("kind").asText("");
    String name = resource.path("metadata").path("name").asText("");
    String label = (kind.isEmpty() ? "?" : kind) + "/" + (name.isEmpty() ? "?" : name);
    String model = KINDS.get(apiVersion + "/" + kind);
    if (model == null) {
      problems.add(
          label
              + ": unknown apiVersion/kind '"
              + apiVersion
              + "' '"
              + kind
              + "' (known: "
              + String.join(", ", new java.util.TreeSet<>(KINDS.keySet()))
              + ")");
      return problems;
    }
    if (name.isEmpty()) {
      problems.add(label + ": metadata.name: required");
    }
    walk(resource, modelClass(model), "", label, problems);
    return problems;
  }

  private static Class<?> modelClass(String simpleName) {
    try {
      return Class.forName(MODELS + simpleName);
    } catch (ClassNotFoundException e) {
      throw new IllegalStateException("no Kubernetes model " + simpleName, e);
    }
  }

  private static void walk(JsonNode value, Type type, String path, String label, List<String> out) {
    Class<?> raw = rawClass(type);
    if (type instanceof ParameterizedType parameterized && List.class.isAssignableFrom(raw)) {
      if (!value.isArray()) {
        out.add(problem(label, path, "must be a list, got " + describe(value)));
        return;
      }
      for (int i = 0; i < value.size(); i++) {
        walk(
            value.get(i),
            parameterized.getActualTypeArguments()[0],
            path + "[" + i + "]",
            label,
            out);
      }
    } else if (type instanceof ParameterizedType parameterized && Map.class.isAssignableFrom(raw)) {
      if (!value.isObject()) {
        out.add(problem(label, path, "must be a mapping, got " + describe(value)));
        return;
      }
      Type element = parameterized.getActualTypeArguments()[1];
      for (Iterator<Map.Entry<String, JsonNode>> it = value.fields(); it.hasNext(); ) {
        Map.Entry<String, JsonNode> entry = it.next();
        walk(entry.getValue(), element, path + "." + entry.getKey(), label, out);
      }
    } else if (isModel(raw)) {
      if (!value.isObject()) {
        out.add(
            problem(
                label,
                path,
                "must be a mapping (" + raw.getSimpleName() + "), got " + describe(value)));
        return;
      }
      Map<String, Type> fields = fieldTypes(raw);
      for (String required : requiredFields(raw)) {
        if (!value.has(required) || value.get(required).isNull()) {
          out.add(problem(label, join(path, required), "required field is missing"));
        }
      }
      for (Iterator<Map.Entry<String, JsonNode>> it = value.fields(); it.hasNext(); ) {
        Map.Entry<String, JsonNode> entry = it.next();
        String fieldPath = join(path, entry.getKey());
        Type fieldType = fields.get(entry.getKey());
        if (fieldType == null) {
          out.add(
              problem(
                  label,
                  fieldPath,
                  "unknown field (not in "
                      + raw.getSimpleName()
                      + "; known: "
                      + String.join(", ", new java.util.TreeSet<>(fields.keySet()))
                      + ")"));
        } else if (!entry.getValue().isNull()) {
          walk(entry.getValue(), fieldType, fieldPath, label, out);
        }
      }
    } else {
      String wrong = scalarProblem(value, raw);
      if (wrong != null) {
        out.add(problem(label, path, wrong));
      }
    }
  }

  /** Why {@code value} is not a valid {@code type}, or null. */
  private static String scalarProblem(JsonNode value, Class<?> type) {
    if (type == String.class || type == OffsetDateTime.class || type == byte[].class) {
      return value.isTextual() ? null : "must be a string, got " + describe(value);
    }
    if (type == Integer.class || type == Long.class) {
      return value.isIntegralNumber() ? null : "must be an integer, got " + describe(value);
    }
    if (type == Double.class || type == Float.class || type == java.math.BigDecimal.class) {
      return value.isNumber() ? null : "must be a number, got " + describe(value);
    }
    if (type == Boolean.class) {
      return value.isBoolean() ? null : "must be true or false, got " + describe(value);
    }
    if (type == IntOrString.class) {
      return value.isIntegralNumber() || value.isTextual()
          ? null
          : "must be an integer or a string, got " + describe(value);
    }
    if (type == Quantity.class) {
      if (!value.isTextual() && !value.isNumber()) {
        return "must be a quantity (e.g. 500m, 1Gi), got " + describe(value);
      }
      try {
        new QuantityFormatter().parse(value.asText());
        return null;
      } catch (QuantityFormatException | NumberFormatException e) {
        return "'" + value.asText() + "' is not a Kubernetes quantity (e.g. 500m, 2, 512Mi, 1Gi)";
      }
    }
    if (type == Object.class) {
      return null;
    }
    if (type.isEnum()) {
      return value.isTextual() ? null : "must be a string, got " + describe(value);
    }
    throw new IllegalStateException("the validator does not know the value type " + type);
  }

  private static boolean isModel(Class<?> type) {
    return type.getName().startsWith(MODELS) && !type.isEnum();
  }

  @SuppressWarnings("unchecked")
  private static Set<String> requiredFields(Class<?> model) {
    try {
      return (Set<String>) model.getField("openapiRequiredFields").get(null);
    } catch (ReflectiveOperationException e) {
      throw new IllegalStateException(model + " has no openapiRequiredFields", e);
    }
  }

  private static Map<String, Type> fieldTypes(Class<?> model) {
    return FIELD_TYPES.computeIfAbsent(
        model,
        m -> {
          @SuppressWarnings("unchecked")
          Set<String> names;
          try {
            names = (Set<String>) m.getField("openapiFields").get(null);
          } catch (ReflectiveOperationException e) {
            throw new IllegalStateException(m + " has no openapiFields", e);
          }
          Map<String, Type> types = new HashMap<>();
          for (Field field : m.getDeclaredFields()) {
            com.google.gson.annotations.SerializedName name =
                field.getAnnotation(com.google.gson.annotations.SerializedName.class);
            if (name != null && !Modifier.isStatic(field.getModifiers())) {
              types.put(name.value(), field.getGenericType());
            }
          }
          if (!types.keySet().equals(names)) {
            throw new IllegalStateException(
                m.getSimpleName()
                    + ": fields "
                    + types.keySet()
                    + " differ from openapiFields "
                    + names);
          }
          return Map.copyOf(types);
        });
  }

  private static Class<?> rawClass(Type type) {
    if (type instanceof Class<?> c) {
      return c;
    }
    if (type instanceof ParameterizedType p) {
      return (Class<?>) p.getRawType();
    }
    throw new IllegalStateException("unexpected model type " + type);
  }

  private static String join(String path, String field) {
    return path.isEmpty() ? field : path + "." + field;
  }

  private static String problem(String label, String path, String what) {
    return label + ": " + (path.isEmpty() ? "(document)" : path) + ": " + what;
  }

  private static String describe(JsonNode value) {
    String kind =
        value.isTextual()
            ? "string"
            : value.isNumber()
                ? "number"
                : value.isBoolean()
                    ? "boolean"
                    : value.isArray()
                        ? "list"
                        : value.isObject() ? "mapping" : value.getNodeType().toString();
    String text = value.toString();
    return kind + " " + (text.length() > 60 ? text.substring(0, 57) + "..." : text);
  }
}
