package io.durablekafka.sdk;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.Type;
import java.lang.reflect.TypeVariable;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;

/**
 * Base class of class-based entities, shaped like {@code TaskEntity<TState>} of the Durable Task SDKs: an operation
 * runs the public method of the same name (case-insensitive) with the entity's state in {@link #state}.
 *
 * <ul>
 *   <li>Before the method runs, {@link #state} holds the stored state, or {@link #initializeState} when the entity
 *       has none yet (implicit creation); afterwards {@link #state} is stored. Setting it to {@code null} deletes
 *       the entity.</li>
 *   <li>A method takes up to one input parameter (the operation input, converted from JSON) and may also take a
 *       {@link TaskEntityContext} and/or a {@link TaskEntityOperation}. Its return value is the result a calling
 *       orchestration gets.</li>
 *   <li>{@code delete} is implicit: without a method of that name it deletes the state.</li>
 *   <li>An unknown operation fails with {@link UnsupportedOperationException}.</li>
 * </ul>
 *
 * <pre>{@code
 * public class Counter extends TaskEntity<Integer> {
 *     public void add(int amount) { state += amount; }
 *     public void reset()         { state = 0; }
 *     public int get()            { return state; }
 *     protected Integer initializeState(TaskEntityOperation op) { return 0; }
 * }
 * }</pre>
 *
 * @param <TState> the state type, (de)serialized as JSON
 */
public abstract class TaskEntity<TState> implements ITaskEntity {

    private static final ClassValue<Map<String, Method>> OPERATIONS = new ClassValue<>() {
        @Override
        protected Map<String, Method> computeValue(Class<?> type) {
            return operationsOf(type);
        }
    };

    /** The entity's state while an operation runs. */
    protected TState state;

    /** The context of the running operation. */
    protected TaskEntityContext context;

    private TaskEntityOperation operation;

    protected TaskEntity() {
    }

    /**
     * The state of an entity that has none yet. The default gives a new {@code TState} from its no-argument
     * constructor, zero for numbers, false for Boolean, and null otherwise.
     */
    protected TState initializeState(TaskEntityOperation operation) {
        Class<TState> type = getStateType();
        Object initial = defaultValue(type);
        return type.cast(initial);
    }

    /** The class of {@code TState}; found from the subclass's type arguments unless overridden. */
    @SuppressWarnings("unchecked")
    protected Class<TState> getStateType() {
        Class<?> resolved = resolveStateType(getClass());
        return (Class<TState>) (resolved == null ? Object.class : resolved);
    }

    protected TaskEntityContext getContext() {
        return context;
    }

    /** The running operation. */
    protected TaskEntityOperation getOperation() {
        return operation;
    }

    @Override
    public final Object run(TaskEntityOperation op) throws Exception {
        this.operation = op;
        this.context = op.getContext();
        TaskEntityState stored = op.getState();
        this.state = stored.hasState() ? stored.getState(getStateType()) : initializeState(op);
        String name = op.getOperationName();
        Method method = OPERATIONS.get(getClass()).get(name.toLowerCase(Locale.ROOT));
        Object result;
        if (method == null) {
            if (!"delete".equalsIgnoreCase(name)) {
                throw new UnsupportedOperationException("entity '" + op.getEntityId().name() + "' ("
                        + getClass().getName() + ") has no operation '" + name + "'");
            }
            this.state = null;
            result = null;
        } else {
            result = invoke(method, op);
        }
        stored.setState(state);
        return result;
    }

    private Object invoke(Method method, TaskEntityOperation op) throws Exception {
        Class<?>[] types = method.getParameterTypes();
        Object[] args = new Object[types.length];
        for (int i = 0; i < types.length; i++) {
            Class<?> t = types[i];
            if (t == TaskEntityContext.class) {
                args[i] = op.getContext();
            } else if (t == TaskEntityOperation.class) {
                args[i] = op;
            } else {
                Object input = op.getInput(boxed(t));
                if (input == null && t.isPrimitive()) {
                    throw new IllegalArgumentException("operation '" + op.getOperationName() + "' of entity '"
                            + op.getEntityId() + "' needs an input of type " + t.getName());
                }
                args[i] = input;
            }
        }
        try {
            return method.invoke(this, args);
        } catch (InvocationTargetException e) {
            Throwable cause = e.getCause();
            if (cause instanceof Exception ex) {
                throw ex;
            }
            if (cause instanceof Error err) {
                throw err;
            }
            throw e;
        }
    }

    /** Public instance methods declared below TaskEntity, by lower-case name; overloads are rejected. */
    private static Map<String, Method> operationsOf(Class<?> type) {
        Map<String, Method> byName = new HashMap<>();
        Map<String, String> ambiguous = new HashMap<>();
        for (Class<?> c = type; c != null && c != TaskEntity.class && c != Object.class; c = c.getSuperclass()) {
            for (Method m : c.getDeclaredMethods()) {
                int mod = m.getModifiers();
                if (!Modifier.isPublic(mod) || Modifier.isStatic(mod) || m.isBridge() || m.isSynthetic()) {
                    continue;
                }
                String key = m.getName().toLowerCase(Locale.ROOT);
                Method seen = byName.get(key);
                if (seen == null) {
                    if (!validParameters(m)) {
                        ambiguous.put(key, m.toString() + " has more than one input parameter");
                        continue;
                    }
                    m.setAccessible(true);
                    byName.put(key, m);
                } else if (seen.getDeclaringClass() == c && !sameSignature(seen, m)) {
                    // Two methods of one class with the same name: which one an operation means is unclear.
                    ambiguous.put(key, "overloads " + seen + " and " + m);
                }
                // A method of a superclass with the same name is overridden or hidden by the subclass's.
            }
        }
        if (!ambiguous.isEmpty()) {
            throw new IllegalStateException("entity class " + type.getName() + " has ambiguous or invalid operations: "
                    + ambiguous.values());
        }
        return Map.copyOf(byName);
    }

    private static boolean sameSignature(Method a, Method b) {
        return java.util.Arrays.equals(a.getParameterTypes(), b.getParameterTypes());
    }

    private static boolean validParameters(Method m) {
        int inputs = 0;
        for (Class<?> t : m.getParameterTypes()) {
            if (t != TaskEntityContext.class && t != TaskEntityOperation.class) {
                inputs++;
            }
        }
        return inputs <= 1;
    }

    private static Class<?> resolveStateType(Class<?> type) {
        // Walk up to TaskEntity<X>, following type variables bound by subclasses on the way.
        Map<TypeVariable<?>, Type> bindings = new HashMap<>();
        Class<?> c = type;
        while (c != null && c != TaskEntity.class) {
            Type sup = c.getGenericSuperclass();
            Class<?> superClass = c.getSuperclass();
            if (sup instanceof ParameterizedType p && superClass != null) {
                TypeVariable<?>[] vars = superClass.getTypeParameters();
                Type[] args = p.getActualTypeArguments();
                for (int i = 0; i < vars.length; i++) {
                    Type arg = args[i];
                    while (arg instanceof TypeVariable<?> v && bindings.containsKey(v)) {
                        arg = bindings.get(v);
                    }
                    bindings.put(vars[i], arg);
                }
            }
            c = superClass;
        }
        Type stateArg = bindings.get(TaskEntity.class.getTypeParameters()[0]);
        if (stateArg instanceof Class<?> k) {
            return k;
        }
        if (stateArg instanceof ParameterizedType p && p.getRawType() instanceof Class<?> raw) {
            return raw;
        }
        return null;
    }

    private static Class<?> boxed(Class<?> t) {
        if (!t.isPrimitive()) {
            return t;
        }
        if (t == int.class) {
            return Integer.class;
        }
        if (t == long.class) {
            return Long.class;
        }
        if (t == double.class) {
            return Double.class;
        }
        if (t == boolean.class) {
            return Boolean.class;
        }
        if (t == float.class) {
            return Float.class;
        }
        if (t == short.class) {
            return Short.class;
        }
        if (t == byte.class) {
            return Byte.class;
        }
        return Character.class;
    }

    private static Object defaultValue(Class<?> type) {
        if (type == Integer.class) {
            return 0;
        }
        if (type == Long.class) {
            return 0L;
        }
        if (type == Double.class) {
            return 0.0;
        }
        if (type == Float.class) {
            return 0.0f;
        }
        if (type == Short.class) {
            return (short) 0;
        }
        if (type == Byte.class) {
            return (byte) 0;
        }
        if (type == Boolean.class) {
            return false;
        }
        if (type == java.math.BigDecimal.class) {
            return java.math.BigDecimal.ZERO;
        }
        if (type == java.math.BigInteger.class) {
            return java.math.BigInteger.ZERO;
        }
        if (type.isInterface() || Modifier.isAbstract(type.getModifiers()) || type.isEnum() || type.isArray()
                || type == Object.class || type == String.class || type.isRecord()
                || com.fasterxml.jackson.databind.JsonNode.class.isAssignableFrom(type)) {
            return null;
        }
        try {
            var ctor = type.getDeclaredConstructor();
            ctor.setAccessible(true);
            return ctor.newInstance();
        } catch (ReflectiveOperationException | RuntimeException e) {
            return null;
        }
    }
}
