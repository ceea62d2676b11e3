import { Body, Controller, Delete, Get, HttpCode, Param, Patch, Post, UseGuards } from '@nestjs/common';
import { ApiBearerAuth, ApiCreatedResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { AdminTokenGuard } from '../common/admin-token.guard';
import { CreateSiteDto, SiteView, UpdateSiteDto } from './dto/site.dto';
import { SitesService } from './sites.service';

@ApiTags('sites')
@ApiBearerAuth()
@UseGuards(AdminTokenGuard)
@Controller('api/sites')
export class SitesController {
  constructor(private readonly sites: SitesService) {}

  @Post()
  @ApiOperation({ summary: 'Create a site; the answer carries its public site key' })
  @ApiCreatedResponse({ type: SiteView })
  create(@Body() body: CreateSiteDto): Promise<SiteView> {
    return this.sites.create(body);
  }

  @Get()
  @ApiOkResponse({ type: [SiteView] })
  list(): Promise<SiteView[]> {
    return this.sites.list();
  }

  @Get(':id')
  @ApiOkResponse({ type: SiteView })
  get(@Param('id') id: string): Promise<SiteView> {
    return this.sites.get(id);
  }

  @Patch(':id')
  @ApiOkResponse({ type: SiteView })
  update(@Param('id') id: string, @Body() body: UpdateSiteDto): Promise<SiteView> {
    return this.sites.update(id, body);
  }

  @Delete(':id')
  @HttpCode(204)
  @ApiOperation({ summary: 'Delete a site and all of its data' })
  delete(@Param('id') id: string): Promise<void> {
    return this.sites.delete(id);
  }
}
