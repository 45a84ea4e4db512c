package dev.empiric.web;

import dev.empiric.WakeableLoop;
import dev.empiric.campaign.CampaignEvent;
import dev.empiric.campaign.EventLog;
import dev.empiric.campaign.EventType;
import dev.empiric.runner.RunnerTurn;
import dev.empiric.trial.TrialLogs;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.subscription.MultiEmitter;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.enterprise.event.TransactionPhase;
import jakarta.ws.rs.sse.OutboundSseEvent;
import jakarta.ws.rs.sse.Sse;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.jboss.logging.Logger;

/**
 * Feeds every open live stream (Server-Sent Events) from the campaigns' event logs. The log in the
 * database is the only source: a stream is a cursor (the id of the last event it sent) that reads
 * the next page of the log whenever there may be more, so a reconnecting client that names its last
 * id misses nothing, and an event committed by another server sharing the database arrives too.
 *
 * <p>One loop serves every stream. It is woken when this server commits an event
 * ({@link EventLog.Appended}, after the commit) and when a client has taken the last event sent to
 * it, and it looks at the database at least every {@link #TICK} for what other processes committed.
 * Announcements this server sees but does not log (a runner's turn, a section of a trial's log) go
 * to the streams it serves, without an id.
 * A stream holds at most one page of the log and a few transient turn announcements, and gets its
 * next event only when the client has taken the previous one; a client that takes nothing for
 * {@link #STALLED} is dropped, as is one that went away. Silent streams get a heartbeat comment every
 * {@link #HEARTBEAT}, so clients and proxies can tell a quiet campaign from a dead connection.
 */
@ApplicationScoped
public class EventStreams {

    private static final Logger LOG = Logger.getLogger(EventStreams.class);
    static final Duration TICK = Duration.ofSeconds(1);
    static final Duration HEARTBEAT = Duration.ofSeconds(15);
    static final Duration STALLED = Duration.ofSeconds(60);
    /** How long a client should wait before it reconnects (the SSE {@code retry:} field). */
    static final Duration RETRY = Duration.ofSeconds(2);
    static final int PAGE = 100;
    static final int MAX_TRANSIENT = 16;
    static final int MAX_STREAMS = 256;

    private final EventLog log;
    private final Set<Stream> streams = ConcurrentHashMap.newKeySet();
    /** The newest turn of each campaign's runner, so that a page opened mid-turn sees who has it. */
    private final Map<Long, RunnerTurn.Turn> turns = new ConcurrentHashMap<>();
    private final WakeableLoop pump;

    EventStreams(EventLog log) {
        this.log = log;
        this.pump = new WakeableLoop("empiric-live", TICK, this::pumpAll);
    }

    void onStart(@Observes StartupEvent event) {
        pump.start();
    }

    void onStop(@Observes ShutdownEvent event) {
        pump.stop(Duration.ofSeconds(5));
        streams.forEach(stream -> stream.emitter.complete());
    }

    /**
     * A stream of the campaign's events after {@code afterId} (0: the whole log), with the
     * campaign's current runner turn, if any, first.
     */
    Multi<OutboundSseEvent> open(long campaignId, long afterId, Sse sse) {
        if (streams.size() >= MAX_STREAMS) {
            throw new TooManyStreams(MAX_STREAMS);
        }
        return Multi.createFrom().<OutboundSseEvent>emitter(emitter -> {
            Stream stream = new Stream(campaignId, afterId, sse, emitter);
            RunnerTurn.Turn turn = turns.get(campaignId);
            if (turn != null) {
                stream.announce(LiveEvent.of(turn));
            }
            emitter.onRequest(n -> pump.wake());
            emitter.onTermination(() -> streams.remove(stream));
            streams.add(stream);
            pump.wake();
        });
    }

    /** How many streams are open now. */
    int openStreams() {
        return streams.size();
    }

    void onAppended(@Observes(during = TransactionPhase.AFTER_SUCCESS) EventLog.Appended event) {
        if (EventType.RUNNER_STOPPED.wireName().equals(event.type()) || EventType.RUNNER_ENDED.wireName().equals(event.type())) {
            turns.remove(event.campaignId()); // no runner, no turn
        }
        boolean following = false;
        for (Stream stream : streams) {
            if (stream.campaignId == event.campaignId()) {
                stream.behind = true;
                following = true;
            }
        }
        if (following) {
            pump.wake();
        }
    }

    void onTurn(@Observes RunnerTurn.Turn turn) {
        turns.put(turn.campaignId(), turn);
        announce(LiveEvent.of(turn));
    }

    void onLog(@Observes TrialLogs.Appended section) {
        announce(LiveEvent.of(section));
    }

    /** Hands a transient event to the campaign's streams; called on the thread that did the work, so it never throws. */
    private void announce(LiveEvent event) {
        try {
            boolean following = false;
            for (Stream stream : streams) {
                if (stream.campaignId == event.campaignId()) {
                    stream.announce(event);
                    following = true;
                }
            }
            if (following) {
                pump.wake();
            }
        } catch (RuntimeException e) {
            LOG.debugf(e, "could not announce %s", event.type());
        }
    }

    private boolean pumpAll() {
        Instant now = Instant.now();
        for (Stream stream : streams) {
            try {
                stream.pump(now);
            } catch (RuntimeException e) {
                LOG.warnf(e, "live stream of campaign %d: dropped after a failure", stream.campaignId);
                stream.emitter.fail(e);
            }
        }
        return false;
    }

    /** One client's stream: its cursor in the log, what it was sent last and what waits to be sent. */
    private final class Stream {

        final long campaignId;
        final Sse sse;
        final MultiEmitter<? super OutboundSseEvent> emitter;
        /** The id of the last log event sent (or the one the client said it had). */
        long lastId;
        /** Set when the log may hold events after {@link #lastId} that are not in {@link #page}. */
        volatile boolean behind = true;
        final Deque<CampaignEvent> page = new ArrayDeque<>();
        final Deque<LiveEvent> transients = new ArrayDeque<>();
        Instant lastRead = Instant.MIN;
        Instant lastSent = Instant.MIN;
        boolean greeted;

        Stream(long campaignId, long afterId, Sse sse, MultiEmitter<? super OutboundSseEvent> emitter) {
            this.campaignId = campaignId;
            this.lastId = afterId;
            this.sse = sse;
            this.emitter = emitter;
        }

        /** Queues a transient event; the oldest gives way when too many wait (only the newest turn matters). */
        synchronized void announce(LiveEvent event) {
            if (transients.size() >= MAX_TRANSIENT) {
                transients.removeFirst();
            }
            transients.addLast(event);
        }

        private synchronized LiveEvent nextTransient() {
            return transients.pollFirst();
        }

        /** Sends what the client can take now; runs on the loop's thread only. */
        void pump(Instant now) {
            if (emitter.isCancelled()) {
                return;
            }
            if (!greeted) {
                if (emitter.requested() <= 0) {
                    return;
                }
                // The first write sends the response headers; the comment says where the stream starts.
                send(sse.newEventBuilder().comment(" campaign " + campaignId + ", events after " + lastId)
                        .reconnectDelay(RETRY.toMillis()).build(), now);
                greeted = true;
            }
            if (Duration.between(lastRead, now).compareTo(TICK) >= 0) {
                behind = true; // another server may have committed events
            }
            while (emitter.requested() > 0) {
                LiveEvent turn = nextTransient();
                if (turn != null) {
                    send(sse.newEventBuilder().name(turn.type()).data(String.class, turn.json()).build(), now);
                    continue;
                }
                if (page.isEmpty() && !read(now)) {
                    break;
                }
                CampaignEvent event = page.removeFirst();
                lastId = event.id;
                send(sse.newEventBuilder().id(Long.toString(event.id)).name(event.type)
                        .data(String.class, LiveEvent.of(event).json()).build(), now);
            }
            if (emitter.requested() > 0 && Duration.between(lastSent, now).compareTo(HEARTBEAT) >= 0) {
                send(sse.newEventBuilder().comment(" heartbeat").build(), now);
            } else if (emitter.requested() <= 0 && Duration.between(lastSent, now).compareTo(STALLED) >= 0) {
                LOG.infof("live stream of campaign %d: the client took nothing for %d s; dropped", campaignId,
                        STALLED.toSeconds());
                emitter.complete();
            }
        }

        /** Reads the next page of the log when there may be one; returns whether it found any. */
        private boolean read(Instant now) {
            if (!behind) {
                return false;
            }
            behind = false; // cleared before reading: an event committed meanwhile sets it again
            lastRead = now;
            var events = QuarkusTransaction.requiringNew().call(() -> log.after(campaignId, lastId, PAGE));
            page.addAll(events);
            if (events.size() == PAGE) {
                behind = true;
            }
            return !page.isEmpty();
        }

        private void send(OutboundSseEvent event, Instant now) {
            emitter.emit(event);
            lastSent = now;
        }
    }
}
