import { DynamicModule, Global, Module, ValidationError, ValidationPipe } from '@nestjs/common';
import { APP_FILTER, APP_INTERCEPTOR, APP_PIPE } from '@nestjs/core';
import { ADMIN_TOKEN, AdminTokenGuard } from './common/admin-token.guard';
import { DomainError } from './common/domain-error';
import { AllExceptionsFilter } from './common/exception.filter';
import { DatabaseGateInterceptor } from './common/database-gate.interceptor';
import { APP_CONFIG, SECRET_KEY, ServerRuntime } from './config/runtime';
import { DatabaseModule } from './database/database.module';
import { HealthModule } from './health/health.module';
import { MetricsModule } from './metrics/metrics.module';
import { SitesModule } from './sites/sites.module';
import { IngestModule } from './ingest/ingest.module';
import { LiveModule } from './live/live.module';
import { SyntheticModule } from './synthetic/synthetic.module';
import { DeploymentsModule } from './deployments/deployments.module';
import { DetectionModule } from './detection/detection.module';
import { IncidentsModule } from './incidents/incidents.module';
import { WebhooksModule } from './webhooks/webhooks.module';
import { ViewsModule } from './views/views.module';
import { DashboardController } from './dashboard/dashboard.controller';
import { ScheduleModule } from '@nestjs/schedule';

/** The first failing field of a class-validator result, as `path: message`. */
function firstValidationProblem(errors: ValidationError[], prefix = ''): { field: string; message: string } {
  for (const error of errors) {
    const field = prefix ? `${prefix}.${error.property}` : error.property;
    if (error.constraints) return { field, message: Object.values(error.constraints)[0] };
    if (error.children?.length) return firstValidationProblem(error.children, field);
  }
  return { field: prefix || '(body)', message: 'is invalid' };
}

/** Config and the admin token, for every module. */
@Global()
@Module({})
class RuntimeModule {
  static forRuntime(runtime: ServerRuntime): DynamicModule {
    return {
      module: RuntimeModule,
      providers: [
        { provide: APP_CONFIG, useValue: runtime.config },
        { provide: ADMIN_TOKEN, useValue: runtime.adminToken },
        { provide: SECRET_KEY, useValue: runtime.secretKey },
        AdminTokenGuard,
      ],
      exports: [APP_CONFIG, ADMIN_TOKEN, SECRET_KEY, AdminTokenGuard],
    };
  }
}

@Module({})
export class ServerModule {
  static forRuntime(runtime: ServerRuntime): DynamicModule {
    return {
      module: ServerModule,
      imports: [RuntimeModule.forRuntime(runtime), DatabaseModule.forDataSource(runtime.dataSource), ScheduleModule.forRoot(), MetricsModule, HealthModule, SitesModule, LiveModule, IngestModule, SyntheticModule, DeploymentsModule, IncidentsModule, DetectionModule, WebhooksModule, ViewsModule],
      // The dashboard's catch-all `/:file` route is registered last so API routes win.
      controllers: [DashboardController],
      providers: [
        { provide: APP_FILTER, useClass: AllExceptionsFilter },
        { provide: APP_INTERCEPTOR, useClass: DatabaseGateInterceptor },
        {
          provide: APP_PIPE,
          useValue: new ValidationPipe({
            whitelist: true,
            forbidNonWhitelisted: true,
            transform: true,
            exceptionFactory: (errors) => {
              const { field, message } = firstValidationProblem(errors);
              return new DomainError('validation_failed', `${field}: ${message}`, { field });
            },
          }),
        },
      ],
    };
  }
}
