import { Global, Module } from '@nestjs/common';
import { DomainEvents } from './domain-events';
import { LiveGateway } from './live.gateway';

@Global()
@Module({ providers: [DomainEvents, LiveGateway], exports: [DomainEvents] })
export class LiveModule {}
