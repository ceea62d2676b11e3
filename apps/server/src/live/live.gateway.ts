import { Inject, Logger, OnModuleDestroy } from '@nestjs/common';
import { ConnectedSocket, MessageBody, OnGatewayInit, SubscribeMessage, WebSocketGateway, WebSocketServer } from '@nestjs/websockets';
import type { Server, Socket } from 'socket.io';
import { ADMIN_TOKEN, tokensMatch } from '../common/admin-token.guard';
import { isUuid } from '../common/uuid';
import { DomainEvents, LIVE_EVENTS } from './domain-events';


/** Room of one site's events. */
export const siteRoom = (siteId: string) => `site:${siteId}`;

/**
 * The live feed: authenticates with the admin token on connect, joins clients to per-site rooms, and forwards
 * domain events to the site's room (to every replica's clients through the PostgreSQL adapter).
 */
@WebSocketGateway()
export class LiveGateway implements OnGatewayInit, OnModuleDestroy {
  private readonly logger = new Logger('Live');
  private readonly unsubscribe: (() => void)[] = [];

  @WebSocketServer()
  server: Server;

  constructor(
    private readonly events: DomainEvents,
    @Inject(ADMIN_TOKEN) private readonly adminToken: string,
  ) {}

  afterInit(server: Server): void {
    server.use((socket, next) => {
      const token = (socket.handshake.auth as { token?: unknown } | undefined)?.token;
      if (typeof token === 'string' && tokensMatch(token, this.adminToken)) return next();
      next(new Error('unauthorized'));
    });
    for (const name of LIVE_EVENTS) {
      this.unsubscribe.push(this.events.on(name, (payload) => server.to(siteRoom(payload.siteId)).emit(name, payload)));
    }
  }

  /** `subscribe` {siteId}: receive that site's events; acknowledged with {ok}. */
  @SubscribeMessage('subscribe')
  async subscribe(@ConnectedSocket() socket: Socket, @MessageBody() body: { siteId?: unknown }) {
    const siteId = body?.siteId;
    if (!isUuid(siteId)) return { ok: false, error: 'siteId: must be a UUID' };
    await socket.join(siteRoom(siteId));
    return { ok: true, siteId };
  }

  @SubscribeMessage('unsubscribe')
  async leave(@ConnectedSocket() socket: Socket, @MessageBody() body: { siteId?: unknown }) {
    if (typeof body?.siteId === 'string') await socket.leave(siteRoom(body.siteId));
    return { ok: true };
  }

  onModuleDestroy(): void {
    for (const off of this.unsubscribe) off();
    this.logger.debug('live feed stopped');
  }
}
