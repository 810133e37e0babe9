package io.durableobjects.core;

/** No namespace of that name is configured under {@code durable-objects.namespaces} (404). */
public final class UnknownNamespaceException extends DurableObjectException {
  private static final long serialVersionUID = 1L;

  public UnknownNamespaceException(String namespace, java.util.Collection<String> known) {
    super(
        404,
        "unknown_namespace",
        "unknown namespace '" + namespace + "'; configured namespaces: " + known);
  }
}
