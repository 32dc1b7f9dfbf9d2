package io.flashstrike.wal.export;

import org.bouncycastle.crypto.generators.OpenBSDBCrypt;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;

/**
 * {@code basic_auth_users}: user name to bcrypt hash ({@code $2y$}, {@code $2b$} or {@code $2a$},
 * as {@code htpasswd -nBC 10} makes them), checked with Bouncy Castle's {@code OpenBSDBCrypt}.
 *
 * <p>Thread-safe; called by the server's request threads. Built so that guessing cannot lock
 * Prometheus out:
 * <ul>
 * <li><b>Proven credentials never wait.</b> A success is remembered per user as the HMAC-SHA256
 *     of the password under a key drawn at start-up (never the password itself); a later request
 *     with the same password matches it ({@link MessageDigest#isEqual}, constant time) before any
 *     bcrypt turn is asked for. One entry per configured user: it cannot grow.
 * <li><b>A wrong password costs bcrypt once.</b> Failed (user, password) pairs are remembered
 *     the same way, the last {@link #FAILED_REMEMBERED}: a client repeating a guess is refused at
 *     once, without a turn, and does not delay anyone else's first login.
 * <li><b>Failed checks are limited per client address</b>: one bcrypt check of an address at a
 *     time, one more request of it waiting for that check to end if it carries other credentials,
 *     and at most {@link #FAILURES_PER_WINDOW} failures per {@link #WINDOW_NANOS}; past these,
 *     the address's unproven requests are not checked ({@link Check#BUSY}: 503, never 401). A
 *     client at another address keeps its place: guessers from one address hold at most two
 *     places in the queue for the turn, and a scraper behind the same address as guessers
 *     repeating one password waits for their check instead of being refused.
 * <li>One bcrypt check runs at a time, in arrival order (a fair semaphore), so guessing holds
 *     one core at most; at most {@link #MAX_WAITING} requests wait for it, each at most
 *     {@link #BCRYPT_WAIT_MS}, so waiting never holds more than a few of the server's threads.
 *     A request that does not get its turn is {@link Check#BUSY}: "not checked", not "wrong".
 * <li>An unknown user is checked against a dummy hash of the same cost, so the answer takes as
 *     long as for a known one and does not tell which names exist.
 * </ul>
 * Nothing here logs; {@link #toString} and {@link #names} give names, never hashes.
 */
final class BasicAuthUsers {
    static final long BCRYPT_WAIT_MS = 1_500;
    static final int MAX_WAITING = 4;
    static final int FAILED_REMEMBERED = 4096;
    static final int FAILURES_PER_WINDOW = 10;
    static final long WINDOW_NANOS = 10_000_000_000L;
    /** Addresses tracked at once; beyond it, windows already over are dropped (then all, if need be). */
    private static final int ADDRESSES = 4096;
    private static final Pattern BCRYPT = Pattern.compile("\\$2[aby]\\$(\\d\\d)\\$[./A-Za-z0-9]{53}");

    private final Map<String, String> hashes;
    private final String dummyHash;
    private final SecretKeySpec cacheKey;
    private final Map<String, byte[]> verified = new ConcurrentHashMap<>();
    private final Semaphore bcryptTurn = new Semaphore(1, true);
    private final Semaphore waiting = new Semaphore(MAX_WAITING + 1);
    private final Map<String, Boolean> failed = Collections.synchronizedMap(new LinkedHashMap<>(64, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, Boolean> eldest) {
            return size() > FAILED_REMEMBERED;
        }
    });
    private final Map<String, Address> addresses = new ConcurrentHashMap<>();

    private BasicAuthUsers(Map<String, String> hashes, int dummyCost) {
        this.hashes = hashes;
        SecureRandom random = new SecureRandom();
        byte[] salt = new byte[16];
        random.nextBytes(salt);
        byte[] secret = new byte[32];
        random.nextBytes(secret);
        this.dummyHash = OpenBSDBCrypt.generate("2y", secret, salt, dummyCost);
        random.nextBytes(secret);
        this.cacheKey = new SecretKeySpec(secret, "HmacSHA256");
    }

    /**
     * The highest bcrypt cost accepted. Each step doubles a check: here (2 vCPUs, htpasswd -v) cost
     * 10 takes 0.05 s, 12 0.23 s, 14 0.92 s, so 14 keeps a first login under about a second, and
     * every guess at an unknown user costs the same. exporter-toolkit's users run 10-12; a cost 17
     * hash took 7.5 s a check, one core per guess.
     */
    static final int MAX_COST = 14;

    static BasicAuthUsers of(Path file, Map<String, Object> users) throws WebConfig.Invalid {
        if (users.isEmpty()) {
            // exporter-toolkit reads an empty map as no authentication: an operator who wrote the
            // key meant some. Say so rather than serve everyone.
            throw new WebConfig.Invalid(file, "basic_auth_users is empty: add a user (htpasswd -nBC 12 NAME), "
                    + "or remove the key to serve without authentication");
        }
        Map<String, String> hashes = new TreeMap<>();
        int maxCost = 4;
        for (Map.Entry<String, Object> e : users.entrySet()) {
            String name = e.getKey();
            if (name.isEmpty() || name.indexOf(':') >= 0) {
                throw new WebConfig.Invalid(file, "basic_auth_users: user name '" + name + "' is empty or has a ':'");
            }
            if (!(e.getValue() instanceof String hash) || !BCRYPT.matcher(hash).matches()) {
                // The value is a secret: name the user and the expected form, never echo it.
                throw new WebConfig.Invalid(file, "basic_auth_users." + name + " is not a bcrypt hash ($2y$10$ and 53 characters, as htpasswd -nBC 10 prints)");
            }
            int cost = Integer.parseInt(hash.substring(4, 6));
            if (cost < 4 || cost > MAX_COST) {
                throw new WebConfig.Invalid(file, "basic_auth_users." + name + ": bcrypt cost " + cost + " is outside 4-" + MAX_COST
                        + " (each step doubles a check; 14 takes about 1 s: re-hash with htpasswd -nBC 12 " + name + ")");
            }
            maxCost = Math.max(maxCost, cost);
            hashes.put(name, hash);
        }
        // The dummy costs what a real check costs, so an unknown user answers as slowly as a known one.
        return new BasicAuthUsers(Map.copyOf(hashes), maxCost);
    }

    List<String> names() {
        return List.copyOf(new TreeMap<>(hashes).keySet());
    }

    /** The answer to one request's credentials. */
    enum Check {
        /** a configured user with the right password */
        PROVEN,
        /** no credentials, or wrong ones */
        REFUSED,
        /** not checked: no bcrypt turn in time. Not a wrong password: the client should retry */
        BUSY
    }

    /**
     * @param authorization the request's {@code Authorization} header, or null
     * @param client        the client's address, for the per-address limit on failed checks
     */
    Check check(String authorization, String client) throws InterruptedException {
        if (authorization == null || authorization.length() < 6
                || !authorization.regionMatches(true, 0, "Basic ", 0, 6)) {
            return Check.REFUSED;
        }
        String decoded;
        try {
            decoded = new String(Base64.getDecoder().decode(authorization.substring(6).strip()), StandardCharsets.UTF_8);
        } catch (IllegalArgumentException notBase64) {
            return Check.REFUSED;
        }
        int colon = decoded.indexOf(':');
        if (colon < 0) {
            return Check.REFUSED;
        }
        String user = decoded.substring(0, colon);
        byte[] password = decoded.substring(colon + 1).getBytes(StandardCharsets.UTF_8);
        String hash = hashes.get(user);
        byte[] digest = hmac(password);
        byte[] known = hash == null ? null : verified.get(user);
        if (known != null && MessageDigest.isEqual(known, digest)) {
            return Check.PROVEN;
        }
        String pair = Base64.getEncoder().encodeToString(hmac(decoded.getBytes(StandardCharsets.UTF_8)));
        if (failed.containsKey(pair)) {
            return Check.REFUSED; // this very guess failed before: no turn needed to say so again
        }
        if (!waiting.tryAcquire()) {
            return Check.BUSY; // enough requests already wait: this one would only hold a thread
        }
        try {
            long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(BCRYPT_WAIT_MS);
            Address from = address(client, System.nanoTime());
            if (!from.enter(pair, deadline)) {
                return Check.BUSY; // over its failure budget, or its check and its one waiter are taken
            }
            try {
                return slowCheck(user, hash, password, digest, pair, from, deadline);
            } finally {
                from.leave();
            }
        } finally {
            waiting.release();
        }
    }

    /** The bcrypt path: a turn by {@code deadline}, then the check; records the outcome. */
    private Check slowCheck(String user, String hash, byte[] password, byte[] digest, String pair, Address from, long deadline)
            throws InterruptedException {
        if (!bcryptTurn.tryAcquire(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS)) {
            return Check.BUSY;
        }
        boolean ok;
        try {
            if (failed.containsKey(pair)) {
                return Check.REFUSED; // failed while this one waited
            }
            ok = OpenBSDBCrypt.checkPassword(hash == null ? dummyHash : hash, password) && hash != null;
        } finally {
            bcryptTurn.release();
        }
        if (ok) {
            verified.put(user, digest);
            return Check.PROVEN;
        }
        failed.put(pair, Boolean.TRUE);
        from.failed(System.nanoTime());
        return Check.REFUSED;
    }

    /**
     * One client address: its failures in the current window, the check of its under way (and of
     * which credentials), and its one waiter. The waiter's place is for other credentials than
     * the running check's: a client repeating those would only learn the same answer, while a
     * scraper's first login behind a guesser's check (one address: NAT, or the same host) waits
     * for it instead of being told 503.
     */
    private static final class Address {
        private long windowStart;
        private int failures;
        private String checking;
        private boolean waiter;

        Address(long now) {
            windowStart = now;
        }

        /** @return whether the caller may check {@code pair} now (it then calls {@link #leave}) */
        synchronized boolean enter(String pair, long deadline) throws InterruptedException {
            window(System.nanoTime());
            if (failures >= FAILURES_PER_WINDOW || (checking != null && (waiter || checking.equals(pair)))) {
                return false;
            }
            if (checking != null) {
                waiter = true;
                try {
                    for (long left; checking != null; ) {
                        left = deadline - System.nanoTime();
                        if (left <= 0) {
                            return false;
                        }
                        TimeUnit.NANOSECONDS.timedWait(this, left);
                    }
                } finally {
                    waiter = false;
                }
                if (failures >= FAILURES_PER_WINDOW) {
                    return false;
                }
            }
            checking = pair;
            return true;
        }

        synchronized void leave() {
            checking = null;
            notifyAll();
        }

        private void window(long now) {
            if (now - windowStart >= WINDOW_NANOS) {
                windowStart = now;
                failures = 0;
            }
        }

        synchronized void failed(long now) {
            window(now);
            failures++;
        }

        synchronized boolean idle(long now) {
            return checking == null && !waiter && now - windowStart >= WINDOW_NANOS;
        }
    }

    private Address address(String client, long now) {
        if (addresses.size() >= ADDRESSES && !addresses.containsKey(client)) {
            addresses.values().removeIf(a -> a.idle(now));
            if (addresses.size() >= ADDRESSES) {
                addresses.clear(); // spread over more addresses than tracked: the one turn still bounds the cost
            }
        }
        return addresses.computeIfAbsent(client, k -> new Address(now));
    }

    private byte[] hmac(byte[] password) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(cacheKey);
            return mac.doFinal(password);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is missing from this JDK", e);
        }
    }

    @Override
    public String toString() {
        return "BasicAuthUsers" + Set.copyOf(hashes.keySet());
    }
}
