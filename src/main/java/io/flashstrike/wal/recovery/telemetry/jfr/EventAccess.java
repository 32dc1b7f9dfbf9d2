package io.flashstrike.wal.recovery.telemetry.jfr;

import jdk.jfr.Event;
import jdk.jfr.Name;

import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.lang.invoke.VarHandle;

/**
 * Calls into one event class as if its static type were known at the call site: its JFR-generated
 * {@code isEnabled}, {@code shouldCommit} and {@code commit}, its span ({@link EventTiming}) and its
 * {@code status} field (when it has a {@code String status}).
 *
 * <p>Why handles: one shared code path serves every operation, and a plain {@code event.commit()}
 * there would see five event classes and become a megamorphic call. Held in a record that is
 * itself reached from a {@code static final}, each handle is a constant to the JIT, which inlines
 * the exact class's method, as a call on the concrete type would.
 *
 * @param eventClass   the event class
 * @param timing       its span accessors
 * @param isEnabled    {@code (Event) boolean}
 * @param shouldCommit {@code (Event) boolean}
 * @param commit       {@code (Event) void}
 * @param status       its {@code String status} field, or null when it has none
 * @param <E>          the event class
 */
public record EventAccess<E extends Event>(Class<E> eventClass, EventTiming timing, MethodHandle isEnabled,
                                           MethodHandle shouldCommit, MethodHandle commit, MethodHandle constructor,
                                           VarHandle status) {
    private static final MethodType BOOLEAN = MethodType.methodType(boolean.class);
    private static final MethodType VOID = MethodType.methodType(void.class);

    /**
     * Looks up {@code eventClass}'s handles and registers it with JFR, so that its metadata is in
     * every recording and stream started from now on (JDK-8382242, see {@link WalEvents}).
     *
     * @throws IllegalArgumentException when the class has no no-argument constructor we can call
     */
    public static <E extends Event> EventAccess<E> of(Class<E> eventClass) {
        MethodHandles.Lookup lookup;
        try {
            lookup = MethodHandles.privateLookupIn(eventClass, MethodHandles.lookup());
        } catch (IllegalAccessException | SecurityException e) {
            lookup = MethodHandles.publicLookup(); // a named module that does not open it: virtual calls, JFR's own timing
        }
        MethodType onEvent = MethodType.methodType(boolean.class, Event.class);
        try {
            MethodHandle constructor = lookup.findConstructor(eventClass, VOID).asType(MethodType.methodType(Event.class));
            VarHandle status = null;
            try {
                status = lookup.findVarHandle(eventClass, "status", String.class);
            } catch (NoSuchFieldException e) {
                // no outcome field: the stream folds its events as the operation's first success
            }
            EventAccess<E> access = new EventAccess<>(eventClass, EventTiming.of(eventClass),
                    lookup.findVirtual(eventClass, "isEnabled", BOOLEAN).asType(onEvent),
                    lookup.findVirtual(eventClass, "shouldCommit", BOOLEAN).asType(onEvent),
                    lookup.findVirtual(eventClass, "commit", VOID).asType(MethodType.methodType(void.class, Event.class)),
                    constructor, status);
            WalEvents.register(eventClass);
            return access;
        } catch (NoSuchMethodException | IllegalAccessException e) {
            throw new IllegalArgumentException(eventClass.getName() + ": an event class needs a no-argument constructor"
                    + " this library can call (public, or in a package open to it): " + e.getMessage(), e);
        }
    }

    /** @return the event type's name: its {@link Name}, else the class name, as JFR names it */
    public String eventName() {
        Name name = eventClass.getAnnotation(Name.class);
        return name == null ? eventClass.getName() : name.value();
    }

    /** @return a new instance (one per writer: it is reused for every operation) */
    @SuppressWarnings("unchecked")
    public E newEvent() {
        try {
            return (E) (Event) constructor.invokeExact();
        } catch (RuntimeException | Error e) {
            throw e;
        } catch (Throwable t) {
            throw new IllegalStateException(t);
        }
    }

    /** {@code event.isEnabled()}; false when JFR throws. */
    public boolean isEnabled(Event event) {
        try {
            return (boolean) isEnabled.invokeExact(event);
        } catch (Throwable t) {
            return false;
        }
    }

    /** {@code event.shouldCommit()}; unchecked exceptions pass, for the caller to count. */
    public boolean shouldCommit(Event event) {
        try {
            return (boolean) shouldCommit.invokeExact(event);
        } catch (RuntimeException | Error e) {
            throw e;
        } catch (Throwable t) {
            throw new IllegalStateException(t);
        }
    }

    /** Sets the {@code status} field when the class has one, then {@code event.commit()}. */
    public void commit(Event event, Enum<?> outcome, String unknownName) {
        try {
            if (status != null) { // a constant: folds away for classes without the field
                status.set(event, outcome == null ? unknownName : outcome.name());
            }
            commit.invokeExact(event);
        } catch (RuntimeException | Error e) {
            throw e;
        } catch (Throwable t) {
            throw new IllegalStateException(t);
        }
    }
}
