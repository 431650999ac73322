package dev.freshet.offline.flight;

import dev.freshet.core.error.InvalidInputException;
import dev.freshet.offline.join.PointInTimeJoin;
import dev.freshet.offline.join.TrainingSetRequest;
import dev.freshet.offline.join.TrainingSetSink;
import org.apache.arrow.flight.BackpressureStrategy;
import org.apache.arrow.flight.CallStatus;
import org.apache.arrow.flight.NoOpFlightProducer;
import org.apache.arrow.flight.Ticket;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.vector.VectorLoader;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.VectorUnloader;
import org.apache.arrow.vector.ipc.message.ArrowRecordBatch;
import org.apache.arrow.vector.types.pojo.Schema;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code DoGet}: runs the join of the request in the ticket and streams its batches, waiting for a
 * slow client (gRPC flow control) rather than buffering the whole set. The other Flight calls answer
 * "unimplemented".
 */
final class TrainingSetProducer extends NoOpFlightProducer {

    private static final Logger LOG = LoggerFactory.getLogger(TrainingSetProducer.class);
    /** How long one wait for a slow client lasts before it checks again for a cancel. */
    private static final long READY_WAIT_MILLIS = 30_000;

    private final PointInTimeJoin join;
    private final BufferAllocator allocator;
    private final SpineDirectories spines;

    TrainingSetProducer(PointInTimeJoin join, BufferAllocator allocator, SpineDirectories spines) {
        this.join = join;
        this.allocator = allocator;
        this.spines = spines;
    }

    @Override
    public void getStream(CallContext context, Ticket ticket, ServerStreamListener listener) {
        TrainingSetRequest request;
        try {
            request = TrainingSetRequest.fromJson(ticket.getBytes());
        } catch (InvalidInputException e) {
            listener.error(CallStatus.INVALID_ARGUMENT.withDescription("the ticket is not a training-set request: " + e.getMessage())
                    .toRuntimeException());
            return;
        }
        try {
            request = spines.admit(request);
        } catch (SpineDirectories.Refused e) {
            LOG.warn("Flight request refused: spine {} is outside the spine directories", request.spine());
            listener.error(CallStatus.UNAUTHORIZED.withDescription(e.getMessage()).toRuntimeException());
            return;
        }
        BackpressureStrategy backpressure = new BackpressureStrategy.CallbackBackpressureStrategy();
        backpressure.register(listener);
        try (StreamingSink sink = new StreamingSink(listener, backpressure)) {
            join.run(request, sink);
            listener.completed();
        } catch (ClientGone e) {
            LOG.info("Flight client cancelled the training set of {}", request.spine());
        } catch (InvalidInputException e) {
            listener.error(CallStatus.INVALID_ARGUMENT.withDescription(e.getMessage()).toRuntimeException());
        } catch (RuntimeException e) {
            LOG.warn("Flight training set of {} failed", request.spine(), e);
            listener.error(CallStatus.INTERNAL.withDescription(e.getMessage()).withCause(e).toRuntimeException());
        }
    }

    private static final class ClientGone extends RuntimeException {
        ClientGone() {
            super("the Flight client cancelled the stream", null, false, false);
        }
    }

    /** Copies each batch into the listener's root and sends it. */
    private final class StreamingSink implements TrainingSetSink, AutoCloseable {
        private final ServerStreamListener listener;
        private final BackpressureStrategy backpressure;
        private VectorSchemaRoot root;

        StreamingSink(ServerStreamListener listener, BackpressureStrategy backpressure) {
            this.listener = listener;
            this.backpressure = backpressure;
        }

        @Override
        public void start(Schema schema) {
            root = VectorSchemaRoot.create(schema, allocator);
            listener.start(root);
        }

        @Override
        public void write(VectorSchemaRoot batch) {
            while (true) {
                BackpressureStrategy.WaitResult result = backpressure.waitForListener(READY_WAIT_MILLIS);
                if (result == BackpressureStrategy.WaitResult.READY) {
                    break;
                }
                if (result == BackpressureStrategy.WaitResult.CANCELLED || listener.isCancelled()) {
                    throw new ClientGone();
                }
            }
            try (ArrowRecordBatch copy = new VectorUnloader(batch).getRecordBatch()) {
                new VectorLoader(root).load(copy);
            }
            listener.putNext();
        }

        @Override
        public void finish() {
        }

        @Override
        public void close() {
            if (root != null) {
                root.close();
            }
        }
    }
}
